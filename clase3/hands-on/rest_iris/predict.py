"""El único endpoint: `POST /predict/batch`, un lote de filas en una sola llamada al modelo.

Formato "instances" (como KServe o TF Serving): una lista de filas
`[sepal_length, sepal_width, petal_length, petal_width]` en cm. La respuesta es columnar: una
lista por dato (`species[i]` y `probabilities[i]` corresponden a `instances[i]`), con las
probabilidades redondeadas a 4 decimales. Una entrada inválida es un 422 problem+json que
nombra la fila y la columna (`instances.3.petal_width`).
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from fastapi import APIRouter, Request
from iris_model import FEATURES
from pydantic import BaseModel, ConfigDict, Field

from .problems import dotted_field, problem_responses

MAX_BATCH_ROWS = 10_000

# Una medida: número finito y positivo (NaN o Infinity no son medidas); una fila: cuatro.
Measure = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Row = Annotated[list[Measure], Field(min_length=len(FEATURES), max_length=len(FEATURES))]


class BatchRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"instances": [[5.1, 3.5, 1.4, 0.2]]}]}
    )
    instances: list[Row] = Field(
        min_length=1, max_length=MAX_BATCH_ROWS, description=f"Filas con las columnas {FEATURES}"
    )


class BatchPrediction(BaseModel):
    model_version: str
    classes: list[str] = Field(description="Orden de las columnas de `probabilities`")
    species: list[str]
    probabilities: list[list[float]]


def feature_field(location: list) -> str:
    """("body", "instances", 3, 1) → "instances.3.sepal_width": la columna, por su nombre."""
    location = list(location)
    if len(location) == 4 and location[1] == "instances" and isinstance(location[3], int):
        location[3] = FEATURES[location[3]]
    return dotted_field(location)


router = APIRouter(tags=["predicción"], responses=problem_responses(422))


@router.post("/predict/batch", summary="Predice un lote de flores")
def predict_batch(batch: BatchRequest, request: Request) -> BatchPrediction:
    bundle = request.app.state.bundle
    proba = bundle["model"].predict_proba(np.asarray(batch.instances))  # una sola llamada
    classes = bundle["classes"]
    return BatchPrediction(
        model_version=bundle["version"],
        classes=classes,
        species=[classes[i] for i in proba.argmax(axis=1)],
        probabilities=proba.round(4).tolist(),
    )
