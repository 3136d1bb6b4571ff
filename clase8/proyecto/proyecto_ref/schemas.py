"""Esquema de entrada de la API y del consumidor, generado desde ``data.FEATURES``.

Los mismos rangos que la validación del pipeline: una sola definición para los tres caminos
(entrenamiento, REST/GraphQL y streaming). Los errores de pydantic se traducen al español con el
campo exacto ("instances.0.reclamos").
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, create_model

from proyecto_ref import data

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


MESSAGES_ES = {
    "missing": "campo obligatorio",
    "float_parsing": "debe ser un número",
    "float_type": "debe ser un número",
    "greater_than_equal": "debe ser mayor o igual que {ge}",
    "less_than_equal": "debe ser menor o igual que {le}",
    "extra_forbidden": "campo no permitido",
    "too_short": "debe tener al menos {min_length} elemento(s)",
    "too_long": "admite como máximo {max_length} elementos",
    "json_invalid": "el cuerpo no es JSON válido",
    "list_type": "debe ser una lista",
    "model_attributes_type": "debe ser un objeto JSON",
}


def translate_errors(errors: list[dict]) -> list[dict]:
    """Errores de pydantic → [{field, message}] en español ("instances.0.reclamos")."""
    out = []
    for error in errors:
        template = MESSAGES_ES.get(error["type"])
        ctx = {k: f"{v:g}" if isinstance(v, float) else v for k, v in error.get("ctx", {}).items()}
        message = template.format(**ctx) if template else error["msg"]
        field = ".".join(str(p) for p in error["loc"] if p != "body") or "(cuerpo)"
        out.append({"field": field, "message": message})
    return out
