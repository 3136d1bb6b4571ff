"""Autenticación (¿quién es?) y autorización (¿puede hacer esto?) como dependencias de FastAPI.

Dos credenciales: una **clave de API** en el encabezado `X-API-Key` (clientes de máquina) o un
**JWT** en `Authorization: Bearer` (personas, obtenido en `POST /token`). Cada endpoint declara
el *scope* que exige con `Security(authenticate, scopes=[...])`:

- **401**: no se sabe quién hace el pedido. La respuesta dice cómo autenticarse
  (`WWW-Authenticate`, RFC 6750).
- **403**: se sabe quién es, pero le falta el scope.
- **400**: llegaron las dos credenciales a la vez (ambiguo: no se elige una en silencio).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer, SecurityScopes

from .errors import CodedProblem
from .identities import SCOPES
from .problems import problem_responses
from .settings import Settings
from .tokens import InvalidToken, decode_access_token

# Lo que puede responder cualquier endpoint protegido (para el documento OpenAPI).
AUTH_RESPONSES = problem_responses(400, 401, 403)

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token", scopes=SCOPES, auto_error=False)
api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="Clave de API de un cliente de máquina."
)


@dataclass(frozen=True)
class Principal:
    """Quién hace el pedido, con qué permisos y cómo se autenticó."""

    subject: str
    scopes: frozenset[str]
    method: str  # "jwt", "api_key" o "password" (en POST /token)


def unauthorized(code: str, detail: str, scheme_error: str = "invalid_token") -> CodedProblem:
    """401: no se sabe quién es. RFC 6750: la respuesta dice cómo autenticarse."""
    challenge = f'Bearer realm="secure_api", error="{scheme_error}"'
    if scheme_error == "":
        challenge = 'Bearer realm="secure_api"'  # sin credenciales: no hay "error" que informar
    return CodedProblem(
        401, "No autenticado", detail, code, headers={"WWW-Authenticate": challenge}
    )


def principal_from_token(token: str, settings: Settings) -> Principal:
    try:
        claims = decode_access_token(token, settings.jwt_secret)
    except InvalidToken as exc:
        raise unauthorized(exc.code, exc.detail) from None
    user = settings.identities.users.get(claims["sub"])
    if user is None:  # el usuario se dio de baja después de emitir el token
        raise unauthorized("unknown_user", "El usuario del token ya no existe.")
    # Permisos = los del token ∩ los actuales del usuario: quitar un scope rige de inmediato.
    scopes = frozenset(claims.get("scope", "").split()) & user.scopes
    return Principal(user.username, scopes, "jwt")


def principal_from_api_key(api_key: str, settings: Settings) -> Principal:
    digest = hashlib.sha256(api_key.encode()).hexdigest()
    for client in settings.identities.api_clients:
        if hmac.compare_digest(digest, client.key_sha256):  # comparación en tiempo constante
            return Principal(client.client_id, client.scopes, "api_key")
    raise unauthorized("invalid_api_key", "La clave de API no es válida.")


def identify(token: str | None, api_key: str | None, settings: Settings) -> Principal:
    """Quién hace el pedido, según la única credencial que envió (400 o 401 si no se sabe)."""
    if token and api_key:
        raise CodedProblem(
            400,
            "Credenciales ambiguas",
            "Enviar un solo tipo de credencial: Authorization: Bearer o X-API-Key, no ambos.",
            "ambiguous_credentials",
        )
    if token:
        return principal_from_token(token, settings)
    if api_key:
        return principal_from_api_key(api_key, settings)
    raise unauthorized(
        "missing_credentials",
        "Faltan credenciales: enviar 'Authorization: Bearer <token>' o 'X-API-Key: <clave>'.",
        scheme_error="",
    )


def authenticate(
    security_scopes: SecurityScopes,
    request: Request,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    api_key: Annotated[str | None, Depends(api_key_header)],
) -> Principal:
    """401 si no se sabe quién es; 403 si se sabe, pero no tiene el permiso pedido."""
    principal = identify(token, api_key, request.app.state.settings)
    request.state.principal = principal  # para la auditoría, aunque falle el permiso
    missing = [s for s in security_scopes.scopes if s not in principal.scopes]
    if missing:
        needed = " ".join(security_scopes.scopes)
        raise CodedProblem(
            403,
            "Permiso insuficiente",
            f"'{principal.subject}' está autenticado pero le falta el permiso "
            f"{', '.join(repr(s) for s in missing)} para esta operación.",
            "insufficient_scope",
            headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{needed}"'},
        )
    return principal


PredictPrincipal = Annotated[Principal, Security(authenticate, scopes=["predict"])]
AdminPrincipal = Annotated[Principal, Security(authenticate, scopes=["admin"])]
