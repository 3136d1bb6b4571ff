"""Aislamiento entre pruebas que comparten el proceso de pytest."""

from __future__ import annotations

import os

import pytest

# MLflow 3 escribe MLFLOW_TRACKING_URI en os.environ al llamar a mlflow.set_tracking_uri(): si
# una prueba (o un fixture de sesión) apunta MLflow a un almacén local (sqlite), las siguientes,
# que leen el endpoint del stack con coursekit.stack.env("MLFLOW_TRACKING_URI"), terminarían
# hablando con ese almacén. Se guarda el valor del comienzo de la sesión (antes de cualquier
# fixture) y se restaura después de cada prueba.
MLFLOW_URI_VARS = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")
AT_SESSION_START = {var: os.environ.get(var) for var in MLFLOW_URI_VARS}


@pytest.fixture(autouse=True)
def restore_mlflow_uris():
    yield
    for var, value in AT_SESSION_START.items():
        if value is None:
            os.environ.pop(var, None)
        else:
            os.environ[var] = value
