"""Esquema de entrada de la API y del consumidor, generado desde ``data.FEATURES``.

Los mismos rangos que la validación del pipeline: una sola definición para los tres caminos
(entrenamiento, REST/GraphQL y streaming). Los errores de Pydantic se traducen al español con el
campo exacto ("instances.0.complaints") con ``problems.translate_error``, el mismo traductor que
usan las respuestas 422 de la API.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from proyecto_ref import data
from proyecto_ref.problems import translate_error

Customer: type[BaseModel] = create_model(
    "Customer",
    __config__=ConfigDict(extra="forbid"),
    **{
        name: (float, Field(ge=low, le=high, description=desc))
        for name, (low, high, desc) in data.FEATURES.items()
    },
)


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    instances: list[Customer] = Field(min_length=1, max_length=1000)  # type: ignore[valid-type]


def explain(error: ValidationError) -> str:
    """Un error de validación en una línea: "complaints: debe ser menor o igual que 20; ..."."""
    return "; ".join(f"{e['field']}: {e['message']}" for e in map(translate_error, error.errors()))
