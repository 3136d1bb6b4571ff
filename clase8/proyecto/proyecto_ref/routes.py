"""Los endpoints REST de ``/v1`` y la preparación (``/ready``) del servicio.

Todas las rutas de ``/v1`` exigen credenciales (``auth.Client``) y declaran en el documento
OpenAPI cada error que pueden devolver (``problem_responses``): 401 sin credenciales válidas,
422 con el campo y el motivo, 503 mientras no haya un campeón cargado.
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from proyecto_ref import prediction
from proyecto_ref.auth import Client
from proyecto_ref.champion import Served
from proyecto_ref.health import NotReady
from proyecto_ref.problems import ProblemError, problem_responses
from proyecto_ref.schemas import PredictRequest


def champion_loaded(request: Request) -> dict:
    """Readiness: listo cuando hay un campeón en memoria (si no, /ready responde 503)."""
    watcher = request.app.state.champion
    if watcher.current is None:
        raise NotReady(watcher.last_error or "todavía no se cargó un modelo campeón")
    return {"model": watcher.current.name, "version": watcher.current.version}


def served_model(request: Request) -> Served:
    """El campeón vigente, o 503 con el motivo (MLflow caído, alias inexistente...)."""
    watcher = request.app.state.champion
    served = watcher.current
    if served is None:
        detail = watcher.last_error or "todavía no se cargó un modelo campeón"
        raise ProblemError(503, "Sin modelo", detail)
    return served


Champion = Annotated[Served, Depends(served_model)]


class ModelInfo(BaseModel):
    name: str
    alias: str
    version: str
    run_id: str


class Prediction(BaseModel):
    churn: bool
    probability: float
    version: str


class PredictResponse(BaseModel):
    predictions: list[Prediction]


router = APIRouter(prefix="/v1", tags=["predicción"], responses=problem_responses(401, 503))


@router.get("/model", summary="Modelo campeón que se está sirviendo")
def model_info(request: Request, client: Client, served: Champion) -> ModelInfo:
    alias = request.app.state.champion.alias
    return ModelInfo(name=served.name, alias=alias, version=served.version, run_id=served.run_id)


@router.post(
    "/predict", summary="Probabilidad de abandono por cliente", responses=problem_responses(422)
)
def predict(body: PredictRequest, client: Client, served: Champion) -> PredictResponse:
    rows = pd.DataFrame([customer.model_dump() for customer in body.instances])
    return PredictResponse(predictions=prediction.predict(served, rows))
