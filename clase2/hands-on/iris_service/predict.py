"""`POST /predict`: una flor con sus cuatro medidas → especie, probabilidades y versión.

La respuesta dice qué versión del modelo contestó (`model_version`): es lo que permite saber,
desde afuera, qué está sirviendo la API. Una entrada inválida es un 422 problem+json que nombra
el campo y el motivo, en español.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from .model import FEATURES
from .problems import problem_responses

# Una medida en cm: un número finito, positivo y de tamaño razonable para una flor.
Measure = Annotated[float, Field(gt=0, le=30, allow_inf_nan=False)]


class Flower(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
            ]
        },
    )
    sepal_length: Measure
    sepal_width: Measure
    petal_length: Measure
    petal_width: Measure


class Prediction(BaseModel):
    species: str
    probabilities: dict[str, float]
    model_version: str


router = APIRouter(tags=["predicción"], responses=problem_responses(422))


@router.post("/predict", summary="Predice la especie de una flor")
def predict(flower: Flower, request: Request) -> Prediction:
    bundle = request.app.state.bundle
    row = np.array([[getattr(flower, name) for name in FEATURES]])
    proba = bundle["model"].predict_proba(row)[0]
    classes = bundle["classes"]
    return Prediction(
        species=classes[int(proba.argmax())],
        probabilities={name: round(float(p), 4) for name, p in zip(classes, proba, strict=True)},
        model_version=bundle["version"],
    )
