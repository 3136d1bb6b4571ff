"""Utilidades compartidas por las pruebas de la Clase 5 (nombre único en el repositorio: las
pruebas lo importan por nombre, y `conftest` es un nombre que comparten todas las carpetas)."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HANDS_ON = ROOT / "clase5" / "hands-on"
if str(HANDS_ON) not in sys.path:  # los paquetes `lake` y `lake_service`
    sys.path.insert(0, str(HANDS_ON))

# Todo lo que crean las pruebas lleva este prefijo (buckets, experimento, modelos registrados).
PREFIX = "clase5-test"
READING = {"temperature": 80.0, "vibration": 6.0, "pressure": 30.0, "hours": 3000.0}
# El cliente de MLflow sin reintentos y con tiempo límite corto, como lo deja `cli.main()` del
# servicio: un MLflow caído tiene que fallar enseguida (se aplica con monkeypatch).
FAST_FAIL_MLFLOW = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "5"}


def reset_model(name: str) -> None:
    """Borra el modelo registrado `name` si existe (las pruebas empiezan desde cero)."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    from coursekit import stack

    with contextlib.suppress(MlflowException):
        MlflowClient(stack.env("MLFLOW_TRACKING_URI")).delete_registered_model(name)
