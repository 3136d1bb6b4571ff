"""El modelo: se carga una sola vez por proceso (en el *lifespan*), no en cada pedido.

Si el archivo falta, el servicio arranca igual pero no está listo: `/ready` responde 503 con
el motivo (`model_ready`) y los endpoints que predicen, 503 "Modelo no disponible"
(`get_model`). `/health` sigue respondiendo: reiniciar el proceso no traería el modelo.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import joblib
import numpy as np
from fastapi import Depends, Request

from .health import NotReady
from .problems import ProblemError

logger = logging.getLogger(__name__)


class ModelService:
    """El paquete que guarda `iris_train.py`: el modelo, su versión y el orden de las clases."""

    def __init__(self, bundle: dict):
        self.model = bundle["model"]
        self.version: str = bundle["version"]
        self.classes: list[str] = bundle["classes"]

    def predict(self, x: np.ndarray) -> list[str]:
        return [self.classes[i] for i in self.model.predict(x)]

    def predict_proba(self, x: np.ndarray) -> tuple[list[str], np.ndarray]:
        proba = self.model.predict_proba(x)
        return [self.classes[i] for i in proba.argmax(axis=1)], proba


def load_model(path: Path) -> tuple[ModelService | None, str]:
    """(modelo, "") o (None, motivo): un modelo faltante no impide arrancar el proceso."""
    if not path.exists():
        message = f"No se encontró el modelo en {path}: ejecutar `python iris_train.py` primero."
        logger.warning(message)
        return None, message
    return ModelService(joblib.load(path)), ""


async def get_model(request: Request) -> ModelService:
    """Dependencia de los endpoints que predicen: el modelo cargado, o 503. Es `async def`
    porque no espera nada: una dependencia `def` pasaría, en cada pedido, por el pool de hilos."""
    model = request.app.state.model
    if model is None:
        raise ProblemError(503, "Modelo no disponible", request.app.state.model_error)
    return model


ModelDep = Annotated[ModelService, Depends(get_model)]


def model_ready(request: Request) -> dict:
    """Chequeo de `/ready` (ver `health.py`): listo cuando el modelo está cargado."""
    model = request.app.state.model
    if model is None:
        raise NotReady(request.app.state.model_error)
    return {"model_version": model.version}
