"""Tokens JWT de acceso (HS256): emitirlos y verificarlos.

Un JWT (RFC 7519) dice quién es (`sub`), qué puede hacer (`scope`), quién lo emitió (`iss`),
para quién es (`aud`) y hasta cuándo vale (`exp`). Está **firmado, no cifrado**: cualquiera
puede leer sus *claims*, nadie sin el secreto puede cambiarlos. La verificación sigue las
buenas prácticas de RFC 8725: una lista cerrada de algoritmos (nunca `"none"`), `exp`
obligatorio, emisor y audiencia fijados. Este módulo no sabe de HTTP: una falla es
`InvalidToken` con un código estable, y `auth.py` la convierte en un 401.
"""

from __future__ import annotations

import time
import uuid

import jwt

JWT_ALGORITHM = "HS256"  # el ÚNICO algoritmo que se acepta al verificar (nunca "none")
JWT_ISSUER = "secure_api"
JWT_AUDIENCE = "secure_api:clientes"
REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud"]

# Cada falla de PyJWT, de la más específica a la más general → (código, mensaje para quien llama).
FAILURES: list[tuple[type[jwt.InvalidTokenError], str, str]] = [
    (
        jwt.ExpiredSignatureError,
        "token_expired",
        "El token venció: pedir uno nuevo en POST /token.",
    ),
    (
        jwt.InvalidAlgorithmError,
        "algorithm_not_allowed",
        f"El token declara un algoritmo de firma no permitido (solo se acepta {JWT_ALGORITHM}).",
    ),
    (
        jwt.InvalidSignatureError,
        "invalid_signature",
        "La firma del token no es válida: el token fue alterado o lo firmó otra clave.",
    ),
    (
        jwt.InvalidAudienceError,
        "invalid_issuer_or_audience",
        "El token no fue emitido por esta API o no es para ella.",
    ),
    (
        jwt.InvalidIssuerError,
        "invalid_issuer_or_audience",
        "El token no fue emitido por esta API o no es para ella.",
    ),
    (
        jwt.MissingRequiredClaimError,
        "missing_claim",
        "Al token le falta el claim obligatorio '{claim}'.",
    ),
    (jwt.InvalidTokenError, "malformed_token", "El token no es un JWT válido."),
]


class InvalidToken(Exception):
    """El token no sirve; `code` dice por qué (estable, para programas)."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


def create_access_token(
    subject: str, scopes: set[str] | frozenset[str], secret: str, expires_in_s: int = 900
) -> str:
    """JWT firmado con HS256: quién es (`sub`), qué puede (`scope`) y hasta cuándo (`exp`)."""
    now = int(time.time())
    claims = {
        "iss": JWT_ISSUER,
        "aud": JWT_AUDIENCE,
        "sub": subject,
        "scope": " ".join(sorted(scopes)),
        "iat": now,
        "exp": now + expires_in_s,
        "jti": uuid.uuid4().hex,  # identificador único: permite revocar un token concreto
    }
    return jwt.encode(claims, secret, algorithm=JWT_ALGORITHM)


def decode_access_token(token: str, secret: str) -> dict:
    """Verifica firma, algoritmo, vencimiento, emisor y audiencia; si algo falla, InvalidToken."""
    try:
        return jwt.decode(
            token,
            secret,
            algorithms=[JWT_ALGORITHM],  # lista cerrada: rechaza "none" y cualquier otro
            audience=JWT_AUDIENCE,
            issuer=JWT_ISSUER,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.InvalidTokenError as exc:
        code, message = next((c, m) for kind, c, m in FAILURES if isinstance(exc, kind))
        raise InvalidToken(code, message.format(claim=getattr(exc, "claim", ""))) from None
