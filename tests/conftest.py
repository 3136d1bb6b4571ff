"""Aislamiento entre pruebas que comparten el proceso de pytest."""

from __future__ import annotations

import os

import pytest

# MLflow 3 escribe MLFLOW_TRACKING_URI en os.environ al llamar a mlflow.set_tracking_uri(): si una
# prueba apunta MLflow a un almacén local (sqlite), las siguientes, que leen el endpoint del stack
# con coursekit.stack.env("MLFLOW_TRACKING_URI"), terminarían hablando con ese almacén.
MLFLOW_URI_VARS = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")


@pytest.fixture(autouse=True)
def restore_mlflow_uris():
    saved = {var: os.environ.get(var) for var in MLFLOW_URI_VARS}
    yield
    for var, value in saved.items():
        if value is None:
            os.environ.pop(var, None)
        else:
            os.environ[var] = value
