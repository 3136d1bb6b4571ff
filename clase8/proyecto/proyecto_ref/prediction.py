"""El modelo que se sirve y cómo se ve una predicción (lo mismo en REST, GraphQL y Kafka).

El campeón lo carga y lo recarga ``champion.ChampionWatcher`` (el archivo compartido del libro):
se le pasa ``mlflow.sklearn.load_model`` porque hace falta ``predict_proba``, que el *pyfunc*
genérico no expone. Una predicción: ``{"churn", "probability", "version"}``; la versión dice qué
modelo la calculó (para auditar).
"""

from __future__ import annotations

import mlflow.sklearn
import pandas as pd

from proyecto_ref import data
from proyecto_ref.champion import ChampionWatcher, Served
from proyecto_ref.config import Settings

THRESHOLD = 0.5


def champion_watcher(settings: Settings) -> ChampionWatcher:
    """El campeón del proyecto, sondeado cada ``reload_interval_s`` segundos (falta ``start()``)."""
    return ChampionWatcher(
        settings.model_name,
        tracking_uri=settings.mlflow_tracking_uri,
        alias=settings.champion_alias,
        interval_s=settings.reload_interval_s,
        load_from_path=mlflow.sklearn.load_model,
    )


def predict(served: Served, rows: pd.DataFrame) -> list[dict]:
    """Una sola llamada vectorizada al modelo para todas las filas."""
    proba = served.model.predict_proba(rows[list(data.FEATURES)])[:, 1]
    return [
        {
            "churn": bool(p >= THRESHOLD),
            "probability": round(float(p), 4),
            "version": served.version,
        }
        for p in proba
    ]
