"""Errores con un código estable para programas: una extensión de problem+json.

`problems.py` (copia tal cual de la canónica de la Clase 1) da el formato RFC 9457 para todo
error. Esta API le agrega dos cosas propias de un servicio expuesto:

- `CodedProblem`: un `ProblemError` con un **código estable** (`"token_expired"`,
  `"quota_exhausted"`...) que un programa compara sin leer el mensaje en español, y que la
  auditoría guarda como motivo del rechazo. Va como *miembro de extensión* (RFC 9457 §3.2), que la
  copia canónica de `problems.py` ya sabe agregar al cuerpo.
- Un **tope** a los errores de validación que se informan: la respuesta queda acotada aunque la
  entrada sea enorme (un lote de 1000 filas inválidas produciría 64 000 errores).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from .problems import ProblemError, problem_response, translate_error

MAX_REPORTED_ERRORS = 10


class CodedProblem(ProblemError):
    """Un problema con `code` (y otros miembros de extensión) en el cuerpo de la respuesta."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        code: str,
        headers: dict | None = None,
        **extensions: str,
    ):
        super().__init__(status, title, detail, headers, code=code, **extensions)
        self.code = code


def install_coded_problems(app: FastAPI, max_errors: int = MAX_REPORTED_ERRORS) -> None:
    """Se llama DESPUÉS de `install_problem_handlers`: agrega y reemplaza manejadores."""

    @app.exception_handler(CodedProblem)
    async def on_coded_problem(request: Request, exc: CodedProblem) -> JSONResponse:
        request.state.problem_code = exc.code  # el motivo, para la auditoría
        return problem_response(exc.status, exc.title, exc.detail, exc.headers, **exc.extensions)

    @app.exception_handler(RequestValidationError)
    async def on_invalid_input(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [translate_error(e) for e in exc.errors()]
        detail = f"La solicitud tiene {len(errors)} error(es) de validación."
        if len(errors) > max_errors:
            detail += f" Se muestran los primeros {max_errors}."
        request.state.problem_code = "invalid_input"
        return problem_response(
            422, "Entrada inválida", detail, code="invalid_input", errors=errors[:max_errors]
        )
