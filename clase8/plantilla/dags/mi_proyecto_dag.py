"""DAG del proyecto: cada tarea llama a funciones de `mi_proyecto` (el DAG solo orquesta).

Copiar esta carpeta a la carpeta de DAGs de Airflow (o montarla, como el stack del curso monta
clase8/hands-on/dags) y definir MI_PROYECTO_SRC con la ruta a `src/` si el paquete no está
instalado en el entorno de Airflow.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

from airflow.sdk import dag, task

SRC = os.environ.get("MI_PROYECTO_SRC") or str(Path(__file__).resolve().parents[1] / "src")
if SRC not in sys.path:
    sys.path.insert(0, SRC)


@dag(dag_id="mi_proyecto", schedule=None, start_date=datetime(2026, 1, 1), catchup=False)
def mi_proyecto():
    @task
    def entrenar_y_registrar() -> str:
        from mi_proyecto import data, train

        model = train.train(data.validate(data.generate(seed=1)))
        metrics = train.evaluate(model, data.generate(seed=2))
        uri = os.environ.get("MLFLOW_TRACKING_URI", "http://localhost:5000")
        return train.register(model, metrics, uri, "mi-modelo")

    @task
    def promover(version: str) -> None:
        # TODO: comparar con el campeón actual sobre el mismo conjunto y mover el alias solo si
        # mejora (ver clase8/proyecto/proyecto_ref/training.py: promote_if_better).
        from mlflow import MlflowClient

        MlflowClient().set_registered_model_alias("mi-modelo", "champion", version)

    promover(entrenar_y_registrar())


mi_proyecto()
