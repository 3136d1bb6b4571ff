"""Quién llama: una clave de API (``X-API-Key``) o un JWT (``Authorization: Bearer``).

- Las claves válidas están en ``PROYECTO_API_KEYS``; se comparan en tiempo constante
  (``hmac.compare_digest`` sobre sus hashes), así el tiempo de respuesta no delata cuántos
  caracteres coincidieron.
- Los JWT se firman con ``PROYECTO_JWT_SECRET`` (HS256) y deben traer ``sub`` y ``exp``.
- Sin credenciales válidas: 401 problem+json con ``WWW-Authenticate: Bearer`` y el motivo.

Uso en una ruta: ``def endpoint(client: Client): ...`` (``client`` es la identidad, para auditar).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from proyecto_ref.config import Settings
from proyecto_ref.problems import ProblemError

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
bearer = HTTPBearer(auto_error=False)


def create_token(settings: Settings, subject: str, minutes: int = 60) -> str:
    """JWT firmado con el secreto de la configuración, válido por `minutes` minutos."""
    now = int(time.time())
    claims = {"sub": subject, "iat": now, "exp": now + 60 * minutes}
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


def unauthorized(detail: str) -> ProblemError:
    return ProblemError(401, "No autenticado", detail, headers={"WWW-Authenticate": "Bearer"})


def client_from_api_key(settings: Settings, api_key: str) -> str:
    given = hashlib.sha256(api_key.encode()).digest()
    for known in settings.api_keys:  # comparación en tiempo constante
        digest = hashlib.sha256(known.encode()).digest()
        if hmac.compare_digest(given, digest):
            return "key:" + digest.hex()[:8]
    raise unauthorized("la clave de API no es válida")


def client_from_token(settings: Settings, token: str) -> str:
    try:
        claims = jwt.decode(
            token, settings.jwt_secret, algorithms=["HS256"], options={"require": ["exp", "sub"]}
        )
    except jwt.ExpiredSignatureError:
        raise unauthorized("el token venció") from None
    except jwt.InvalidTokenError:
        raise unauthorized("el token no es válido") from None
    return "jwt:" + claims["sub"]


def require_client(
    request: Request,
    api_key: Annotated[str | None, Depends(api_key_header)],
    token: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """Identidad del cliente: clave de API válida o JWT válido; si no, 401."""
    settings: Settings = request.app.state.settings
    if api_key:
        return client_from_api_key(settings, api_key)
    if token:
        return client_from_token(settings, token.credentials)
    raise unauthorized("falta el encabezado X-API-Key o Authorization: Bearer <token>")


Client = Annotated[str, Depends(require_client)]
