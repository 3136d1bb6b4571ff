"""Las rutas del modelo: POST /predict con el campeón cargado y POST /reload para recargarlo ya.

Las variables del modelo se calculan con `lake.features.model_input`, la MISMA función que usa
el ETL del entrenamiento: así no hay diferencias entre entrenar y servir (*training/serving
skew*). Todo error sale como problem+json y está declarado en el documento OpenAPI.
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Depends, Request
from lake.features import model_input

from .champion import ChampionWatcher, ReloadError
from .problems import ProblemError, problem_responses
from .schemas import Prediction, PredictRequest, Reading, ReloadResult

RELOAD_TITLES = {404: "Alias inexistente", 503: "Recarga fallida"}


def current_champion(request: Request) -> ChampionWatcher:
    """El vigilante del campeón que `create_app` guardó en el estado de la app."""
    return request.app.state.champion


Champion = Annotated[ChampionWatcher, Depends(current_champion)]
router = APIRouter(tags=["modelo"])


def readings_to_features(readings: list[Reading]) -> pd.DataFrame:
    """Lecturas recibidas -> la tabla que recibe el modelo (las columnas de `FEATURES`)."""
    return model_input(pd.DataFrame([reading.model_dump() for reading in readings]))


@router.post("/predict", responses=problem_responses(422, 503))
def predict(body: PredictRequest, champion: Champion) -> Prediction:
    """Predice con el campeón cargado; 503 si todavía no hay ninguno."""
    served = champion.current  # una sola lectura: la recarga puede reemplazarlo en paralelo
    if served is None:
        reason = champion.last_error or "todavía no se cargó"
        raise ProblemError(503, "Sin modelo", f"No hay modelo cargado de {champion.uri}: {reason}")
    predictions = served.model.predict(readings_to_features(body.instances))
    return Prediction(predictions=[int(p) for p in predictions], model_version=served.version)


@router.post("/reload", responses=problem_responses(404, 503))
def reload(champion: Champion) -> ReloadResult:
    """Busca ya a qué versión apunta el alias y la carga si cambió; si falla, sigue la anterior."""
    previous = champion.version
    try:
        changed = champion.refresh()
    except ReloadError as error:
        serving = f"Se sigue sirviendo la versión {previous}." if previous else "No hay modelo."
        title, detail = RELOAD_TITLES[error.status], f"{error}. {serving}"
        # `serving_version`: miembro de extensión (RFC 9457 §3.2) para quien lo lea con código.
        raise ProblemError(error.status, title, detail, serving_version=previous) from None
    return ReloadResult(
        changed=changed,
        previous_version=previous,
        version=champion.version,
        model_name=champion.model_name,
        alias=champion.alias,
    )
