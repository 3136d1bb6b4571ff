"""Contratos de salida, uno por versión de la API.

`/v1` devuelve solo la especie. `/v2` agrega las probabilidades y la versión del modelo, y su
lote responde en formato columnar. Declarar la salida con `response_model` hace que FastAPI
la valide y la publique en OpenAPI, igual que la entrada.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Species = Literal["setosa", "versicolor", "virginica"]


class PredictionV1(BaseModel):
    species: Species


class BatchPredictionV1(BaseModel):
    species: list[Species]
    n_rows: int


class PredictionV2(BaseModel):
    species: Species
    probabilities: dict[str, float]
    model_version: str


class BatchPredictionV2(BaseModel):
    """Formato columnar: una lista por dato en vez de un objeto por fila (más compacto).
    `species[i]` y `probabilities[i]` corresponden a `instances[i]` del pedido."""

    model_version: str
    classes: list[str] = Field(description="Orden de las columnas de `probabilities`")
    species: list[Species]
    probabilities: list[list[float]]
