"""Aislamiento entre pruebas que comparten el proceso de pytest."""

from __future__ import annotations

import os

import pytest

# El entorno al comenzar la sesión, antes de cualquier fixture.
AT_SESSION_START = dict(os.environ)
# MLflow 3 escribe MLFLOW_TRACKING_URI en os.environ al llamar a mlflow.set_tracking_uri(). Si un
# fixture de módulo o de sesión (que corre antes que el de cada prueba) apunta MLflow a un sqlite,
# las pruebas siguientes terminarían hablando con ese almacén: estas vuelven siempre al valor del
# comienzo de la sesión.
MLFLOW_URI_VARS = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")


@pytest.fixture(autouse=True)
def restore_environment():
    """Cada prueba deja os.environ como lo encontró (como en la suite de httpx)."""
    before = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(before)
    for var in MLFLOW_URI_VARS:
        if var in AT_SESSION_START:
            os.environ[var] = AT_SESSION_START[var]
        else:
            os.environ.pop(var, None)
