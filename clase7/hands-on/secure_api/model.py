"""El modelo que sirve la API: se carga una vez, con la firma verificada, y se consulta.

Si la firma no coincide (o falta el archivo) la API arranca igual pero **no queda lista**:
`/ready` y las predicciones responden 503 con el motivo, y el código de un artefacto alterado
nunca se ejecuta (notebook 6). `/health` sigue en 200: reiniciar el proceso no lo arreglaría.
"""

from __future__ import annotations

import logging
from typing import Annotated

import numpy as np
from fastapi import Depends, Request

from .errors import CodedProblem
from .health import NotReady
from .settings import Settings
from .signing import ArtifactError, load_verified

logger = logging.getLogger("secure_api")


class ModelService:
    """El modelo y sus metadatos (versión, huella del artefacto, exactitud, clases)."""

    def __init__(self, bundle: dict):
        self.model = bundle["model"]
        self.version = bundle["version"]
        self.sha256 = bundle["sha256"]
        self.test_accuracy = bundle["test_accuracy"]
        self.classes = [int(c) for c in bundle["classes"]]

    def predict_proba(self, matrix: np.ndarray) -> tuple[list[int], np.ndarray]:
        proba = self.model.predict_proba(matrix)
        labels = [self.classes[i] for i in proba.argmax(axis=1)]
        return labels, proba


def load_model(settings: Settings) -> tuple[ModelService | None, str]:
    """(modelo, "") si la firma es válida; (None, motivo) si no: la API no queda lista."""
    try:  # la firma se verifica ANTES de deserializar el pickle
        bundle = load_verified(settings.model_path, settings.signing_key)
    except ArtifactError as exc:
        logger.error("Modelo no cargado: %s", exc)
        return None, str(exc)
    return ModelService(bundle), ""


def get_model(request: Request) -> ModelService:
    """Dependencia de los endpoints que predicen: 503 si el modelo no está cargado."""
    model = request.app.state.model
    if model is None:
        raise CodedProblem(
            503, "Modelo no disponible", request.app.state.model_error, "model_unavailable"
        )
    return model


ModelDep = Annotated[ModelService, Depends(get_model)]


def model_ready(request: Request) -> dict:
    """Chequeo de `/ready` (health.py): listo solo con el modelo verificado y cargado."""
    model = request.app.state.model
    if model is None:
        raise NotReady(request.app.state.model_error)
    return {"model_version": model.version}
