"""Clave de API en el encabezado `X-API-Key`, comparada en tiempo constante; si no, 401."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader

from mi_proyecto.problems import ProblemError

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def require_key(request: Request, key: Annotated[str | None, Depends(api_key_header)]) -> None:
    expected = request.app.state.settings.api_key
    if key is None or not hmac.compare_digest(key.encode(), expected.encode()):
        raise ProblemError(401, "No autenticado", "falta el encabezado X-API-Key o no es válido")
