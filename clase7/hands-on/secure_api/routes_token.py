"""`POST /token`: el flujo *password* de OAuth2 (RFC 6749 §4.3).

Usuario y contraseña llegan en un formulario (como exige OAuth2; FastAPI lo lee con
`OAuth2PasswordRequestForm`) y se responde un JWT firmado con los *scopes* pedidos, que no
pueden ser más que los del usuario. Contra la fuerza bruta: pocos intentos por usuario e IP
(`rate_limit.py`), un hash Argon2 deliberadamente lento y el mismo mensaje para "usuario
inexistente" y "contraseña incorrecta".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from .auth import Principal, unauthorized
from .errors import CodedProblem
from .identities import authenticate_user
from .problems import problem_responses
from .rate_limit import RATE_LIMIT_RESPONSES, enforce_rate_limit
from .schemas import TokenResponse
from .tokens import create_access_token

router = APIRouter(tags=["autenticación"])


@router.post("/token", responses=problem_responses(400, 401, 422) | RATE_LIMIT_RESPONSES)
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request) -> TokenResponse:
    """Usuario y contraseña (formulario) → JWT firmado con los scopes pedidos."""
    settings = request.app.state.settings
    client_ip = request.client.host if request.client else "desconocida"
    enforce_rate_limit(  # contra la fuerza bruta: pocos intentos por usuario e IP
        request.app.state.login_limiter,
        f"login:{form.username}:{client_ip}",
        1,
        "inicios de sesión",
    )
    user = authenticate_user(settings.identities, form.username, form.password)
    if user is None:
        raise unauthorized(
            "invalid_credentials", "Usuario o contraseña incorrectos.", "invalid_grant"
        )
    requested = set(form.scopes) or set(user.scopes)
    not_allowed = requested - user.scopes
    if not_allowed:
        raise CodedProblem(
            400,
            "Scope no permitido",
            f"El usuario '{user.username}' no puede pedir: {', '.join(sorted(not_allowed))}.",
            "scope_not_allowed",
            error="invalid_scope",  # el código que espera un cliente OAuth2 (RFC 6749 §5.2)
        )
    request.state.principal = Principal(user.username, frozenset(requested), "password")
    token = create_access_token(user.username, requested, settings.jwt_secret, settings.token_ttl_s)
    return TokenResponse(
        access_token=token, expires_in=settings.token_ttl_s, scope=" ".join(sorted(requested))
    )
