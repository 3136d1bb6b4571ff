"""Errores HTTP como *problem details* (RFC 9457, `application/problem+json`), en español.

Un único formato para todo error que devuelve la API: el cliente siempre recibe
`{"type", "title", "status", "detail"}` (y `errors` con campo y motivo si la entrada es
inválida), nunca un HTML ni un `{"detail": ...}` distinto según quién falló.

Archivo compartido entre capítulos: esta copia (Clase 1) es la canónica y se copia tal cual
en cada servicio que la usa; `tests/test_code_shape.py` falla si una copia se aparta.

Uso:
    install_problem_handlers(app)                     # 422, HTTPException y ProblemError
    @router.get("/jobs/{job_id}", responses=problem_responses(404))
    raise ProblemError(404, "Trabajo inexistente", "No existe el trabajo 'abc'.")
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"

# Esquema OpenAPI del cuerpo de error, para declararlo en cada endpoint (problem_responses).
PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "default": "about:blank"},
        "title": {"type": "string", "description": "Resumen corto del problema"},
        "status": {"type": "integer", "description": "Código HTTP"},
        "detail": {"type": "string", "description": "Explicación para quien llama"},
        "errors": {
            "type": "array",
            "description": "Solo en 422: un elemento por campo inválido",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}

# Mensajes de Pydantic en español, por tipo de error ({...} sale del contexto del error).
MESSAGES_ES = {
    "missing": "campo obligatorio",
    "float_parsing": "debe ser un número",
    "float_type": "debe ser un número",
    "int_parsing": "debe ser un número entero",
    "int_type": "debe ser un número entero",
    "string_type": "debe ser un texto",
    "bool_parsing": "debe ser true o false",
    "finite_number": "debe ser un número finito (no NaN ni infinito)",
    "greater_than": "debe ser mayor que {gt}",
    "greater_than_equal": "debe ser mayor o igual que {ge}",
    "less_than": "debe ser menor que {lt}",
    "less_than_equal": "debe ser menor o igual que {le}",
    "enum": "debe ser uno de: {expected}",
    "literal_error": "debe ser uno de: {expected}",
    "extra_forbidden": "campo no permitido (¿error de tipeo?)",
    "too_short": "debe tener al menos {min_length} elemento(s)",
    "too_long": "admite como máximo {max_length} elementos y se recibieron {actual_length}",
    "string_too_short": "debe tener al menos {min_length} caracter(es)",
    "string_too_long": "admite como máximo {max_length} caracteres",
    "json_invalid": "el cuerpo no es JSON válido ({error})",
    "model_attributes_type": "debe ser un objeto JSON",
    "dict_type": "debe ser un objeto JSON",
    "list_type": "debe ser una lista",
    "value_error": "{error}",  # mensaje de una regla propia (ValueError en un validador)
}

# Títulos en español de los códigos más comunes (el resto usa la frase estándar en inglés).
TITLES_ES = {
    400: "Pedido inválido",
    401: "No autenticado",
    403: "Sin permiso",
    404: "No encontrado",
    405: "Método no permitido",
    409: "Conflicto",
    413: "Contenido demasiado grande",
    415: "Tipo de contenido no soportado",
    422: "Entrada inválida",
    429: "Demasiados pedidos",
    500: "Error interno",
    503: "Servicio no disponible",
}
MAX_REPORTED_ERRORS = 20  # una entrada enorme no produce una respuesta enorme

# Cómo nombrar la ubicación de un error: ("body", "rows", 3, "x") → "rows.3.x" por defecto.
FieldNamer = Callable[[list], str]


class ProblemError(Exception):
    """Error que la API devuelve como problem+json (404, 409, 401, 429, 503...).

    `extensions` son miembros extra del cuerpo (RFC 9457 §3.2), p. ej. `code="token_expired"`.
    """

    def __init__(
        self, status: int, title: str, detail: str, headers: dict | None = None, **extensions
    ):
        super().__init__(detail)
        self.status, self.title, self.detail, self.headers = status, title, detail, headers
        self.extensions = extensions


def problem_response(
    status: int, title: str, detail: str, headers: dict | None = None, **extra
) -> JSONResponse:
    """La respuesta HTTP de un problema: cuerpo RFC 9457 y su media type."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def problem_responses(*statuses: int) -> dict[int, dict]:
    """Declaración OpenAPI de los errores que puede devolver un endpoint (`responses=`)."""
    return {
        status: {
            "description": TITLES_ES.get(status, HTTPStatus(status).phrase),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}},
        }
        for status in statuses
    }


def dotted_field(location: list) -> str:
    """("body", "rows", 3, "petal_width") → "rows.3.petal_width" (sin el "body" inicial)."""
    return ".".join(str(part) for part in location if part != "body")


def translate_error(error: dict, field_namer: FieldNamer = dotted_field) -> dict:
    """Un error de Pydantic → {field, message, type}, con el mensaje en español."""
    context = {key: _readable(value) for key, value in error.get("ctx", {}).items()}
    template = MESSAGES_ES.get(error["type"])
    message = template.format(**context) if template else error["msg"]
    # Un JSON roto no tiene campo: su `loc` es la posición del error, no una ruta.
    location = [] if error["type"] == "json_invalid" else list(error["loc"])
    return {"field": field_namer(location) or "(cuerpo)", "message": message, "type": error["type"]}


def _readable(value) -> str:
    """0.0 → '0'; "'cm' or 'mm'" → "'cm' o 'mm'" (los contextos de Pydantic vienen en inglés)."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace(" or ", " o ")


def install_problem_handlers(
    app: FastAPI, field_namer: FieldNamer = dotted_field, max_errors: int = MAX_REPORTED_ERRORS
) -> None:
    """Toda excepción que llega al cliente sale como problem+json."""

    @app.exception_handler(RequestValidationError)
    async def on_invalid_input(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [translate_error(e, field_namer) for e in exc.errors()]
        detail = f"La solicitud tiene {len(errors)} error(es) de validación."
        if len(errors) > max_errors:
            detail += f" Se muestran los primeros {max_errors}."
        return problem_response(422, "Entrada inválida", detail, errors=errors[:max_errors])

    @app.exception_handler(ProblemError)
    async def on_problem(request: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(exc.status, exc.title, exc.detail, exc.headers, **exc.extensions)

    @app.exception_handler(HTTPException)  # 404 de ruta inexistente, 405 de método, etc.
    async def on_http_error(request: Request, exc: HTTPException) -> JSONResponse:
        status, detail = exc.status_code, str(exc.detail)
        if detail == HTTPStatus(status).phrase:  # el texto por defecto de Starlette, en inglés
            detail = f"{request.method} {request.url.path}: {TITLES_ES.get(status, detail)}."
        title = TITLES_ES.get(status, HTTPStatus(status).phrase)
        return problem_response(status, title, detail, exc.headers)

    @app.exception_handler(Exception)  # un error no previsto: 500, sin filtrar detalles internos
    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        detail = "Error inesperado del servidor; el detalle quedó en su log."
        return problem_response(500, "Error interno", detail)
