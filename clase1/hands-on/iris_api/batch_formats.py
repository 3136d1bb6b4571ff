"""Dos representaciones del mismo lote de `/v2/predict/batch`: JSON y Apache Arrow.

Negociación de contenido (RFC 9110 §12): la URL es una sola y quien llama elige el formato del
cuerpo con `Content-Type` y el de la respuesta con `Accept`.

- JSON (por defecto): `{"unit": "cm", "instances": [[5.1, 3.5, 1.4, 0.2], ...]}` y la respuesta
  `BatchPredictionV2`, columnar.
- Arrow IPC (`application/vnd.apache.arrow.stream`): una tabla con las columnas `sepal_length`…
  (números) y `unit` en los metadatos del esquema; responde una tabla con `species`
  (diccionario) y una columna float64 por clase, con `model_version` en los metadatos.

Con JSON cada número viaja como texto y en cada extremo se vuelve un objeto de Python; con
Arrow viajan los bytes de la matriz y NumPy los lee sin parsear (ver notebook 02). Otro
`Content-Type` → 415; un `Accept` que no admite ninguno de los dos → 406.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
import pyarrow as pa
from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from .contracts import FEATURE_NAMES, BatchRequestV2, Unit, check_matrix
from .problems import ProblemError

JSON = "application/json"
ARROW_STREAM = "application/vnd.apache.arrow.stream"


def media_types(header: str) -> list[str]:
    """'application/json; charset=utf-8, */*;q=0.1' → ['application/json', '*/*']."""
    return [part.split(";")[0].strip().lower() for part in header.split(",") if part.strip()]


async def response_format(request: Request) -> str:
    """Dependencia: el formato de la respuesta según `Accept`, en el orden en que se pide.
    (Simplificación: no se leen los pesos `q`.)"""
    for media_type in media_types(request.headers.get("accept") or "*/*"):
        if media_type == ARROW_STREAM:
            return ARROW_STREAM
        if media_type in (JSON, "application/*", "*/*"):
            return JSON
    detail = f"Se puede responder en {JSON} o {ARROW_STREAM}."
    raise ProblemError(406, "No aceptable", detail)


async def read_batch(request: Request) -> np.ndarray:
    """Dependencia: el cuerpo, en el formato que dice `Content-Type`, como matriz en cm."""
    body = await request.body()
    media_type = (media_types(request.headers.get("content-type") or JSON) or [JSON])[0]
    if media_type == ARROW_STREAM:
        return arrow_matrix(body)
    if media_type == JSON:
        return json_matrix(body)
    detail = f"El cuerpo debe ser {JSON} o {ARROW_STREAM}, no {media_type}."
    raise ProblemError(415, "Tipo de contenido no soportado", detail)


def json_matrix(body: bytes) -> np.ndarray:
    """JSON → Pydantic (tipos y rangos, en Rust) → reglas con NumPy; 422 con cada error."""
    try:
        return BatchRequestV2.model_validate_json(body).matrix
    except ValidationError as error:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        raise RequestValidationError(errors) from None


def arrow_matrix(body: bytes) -> np.ndarray:
    """Arrow IPC → matriz (n, 4) sin pasar por objetos de Python; 422 si no cumple las reglas."""
    try:
        table = pa.ipc.open_stream(body).read_all()
    except pa.ArrowInvalid as error:
        raise invalid(("body",), f"el cuerpo no es un flujo Arrow IPC válido ({error})") from None
    try:
        return check_matrix(arrow_values(table), arrow_unit(table))
    except ValueError as error:
        raise invalid(("body", "instances"), str(error)) from None


def arrow_values(table: pa.Table) -> np.ndarray:
    """Las cuatro columnas del modelo, en su orden, como matriz float64 (n, 4)."""
    missing = [name for name in FEATURE_NAMES if name not in table.column_names]
    if missing:
        raise ValueError(f"faltan las columnas {missing}")
    for name in FEATURE_NAMES:
        kind = table.schema.field(name).type
        if not (pa.types.is_floating(kind) or pa.types.is_integer(kind)):
            raise ValueError(f"la columna {name} debe ser numérica y es {kind}")
    return np.column_stack([table.column(name).to_numpy() for name in FEATURE_NAMES]).astype(float)


def arrow_unit(table: pa.Table) -> Unit:
    unit = (table.schema.metadata or {}).get(b"unit", b"cm").decode()
    if unit not in Unit.__members__:
        raise ValueError(f"unit='{unit}' en los metadatos debe ser 'cm' o 'mm'")
    return Unit(unit)


def invalid(location: tuple, message: str) -> RequestValidationError:
    """Un 422 con la forma de los errores de Pydantic: `problems.py` lo traduce igual."""
    error = {"type": "value_error", "loc": location, "msg": message, "ctx": {"error": message}}
    return RequestValidationError([error])


def arrow_response(proba: np.ndarray, classes: list[str], model_version: str) -> Response:
    """Las predicciones como tabla Arrow: la especie como diccionario (un byte por fila) y las
    probabilidades exactas, sin redondear ni pasar por texto."""
    species = pa.DictionaryArray.from_arrays(proba.argmax(axis=1).astype(np.int8), classes)
    columns = {"species": species, **{name: proba[:, j] for j, name in enumerate(classes)}}
    table = pa.table(columns, metadata={"model_version": model_version})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return Response(sink.getvalue().to_pybytes(), media_type=ARROW_STREAM)


BatchMatrix = Annotated[np.ndarray, Depends(read_batch)]
ResponseFormat = Annotated[str, Depends(response_format)]


def request_body_doc() -> dict:
    """El cuerpo de OpenAPI: el esquema JSON sale del modelo de Pydantic; Arrow es binario."""
    schema = BatchRequestV2.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)  # `Unit` ya está en components (lo usa IrisFeatures)
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"required": True, "content": {JSON: {"schema": schema}, ARROW_STREAM: binary}}


ARROW_RESPONSE_DOC = {
    "description": "Predicciones en JSON (por defecto) o Arrow IPC, según `Accept`",
    "content": {ARROW_STREAM: {"schema": {"type": "string", "format": "binary"}}},
}
