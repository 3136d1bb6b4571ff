"""Endpoints de predicción: la entrada se valida con los rangos de `data.FEATURES`."""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, create_model

from mi_proyecto import data, model
from mi_proyecto.auth import require_key
from mi_proyecto.health import NotReady
from mi_proyecto.problems import ProblemError, problem_responses

Row = create_model(
    "Row",
    __config__=ConfigDict(extra="forbid"),
    **{name: (float, Field(ge=lo, le=hi)) for name, (lo, hi) in data.FEATURES.items()},
)


class PredictRequest(BaseModel):
    instances: list[Row] = Field(min_length=1, max_length=1000)  # type: ignore[valid-type]


class PredictResponse(BaseModel):
    predictions: list[float]


def model_loaded(request: Request) -> dict:
    """Readiness: lista cuando el modelo está en memoria (si no, /ready responde 503)."""
    if request.app.state.model is None:
        raise NotReady(request.app.state.model_error or "el modelo todavía no se cargó")
    return {"model_uri": request.app.state.settings.model_uri}


router = APIRouter(
    prefix="/v1", dependencies=[Depends(require_key)], responses=problem_responses(401, 422, 503)
)


@router.post("/predict", summary="Probabilidad de la clase positiva")
def predict(body: PredictRequest, request: Request) -> PredictResponse:
    if request.app.state.model is None:
        raise ProblemError(503, "Sin modelo", request.app.state.model_error or "sin modelo")
    rows = pd.DataFrame([r.model_dump() for r in body.instances])
    return PredictResponse(predictions=model.predict(request.app.state.model, rows))
