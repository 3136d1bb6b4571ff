"""`/v1`: predicción (scope `predict`), con cuota por fila y salida mínima.

Cada endpoint declara con su tipo lo que exige (`PredictPrincipal`: autenticado y con scope
`predict`; `ModelDep`: modelo cargado) y, en `responses`, cada error que puede devolver.
**Salida mínima**: por defecto solo la etiqueta; las probabilidades, si se habilitan, redondeadas
(devolverlas exactas permite copiar el modelo con pocas consultas: notebook 4).
"""

from __future__ import annotations

import numpy as np
from fastapi import APIRouter, Request

from .audit import remember_input
from .auth import AUTH_RESPONSES, PredictPrincipal, Principal
from .model import ModelDep
from .problems import problem_responses
from .rate_limit import RATE_LIMIT_RESPONSES, enforce_rate_limit
from .schemas import BatchPrediction, BatchRequest, DigitImage, ModelInfo, Prediction
from .settings import Settings

router = APIRouter(
    prefix="/v1",
    tags=["predicción"],
    responses=AUTH_RESPONSES | problem_responses(422, 503),
)


def charge(request: Request, principal: Principal, rows: int) -> None:
    """Cobra `rows` fichas al balde del cliente: una fila = una consulta al modelo."""
    enforce_rate_limit(
        request.app.state.limiter, f"cliente:{principal.subject}", rows, "predicciones"
    )


def format_output(settings: Settings, proba: np.ndarray) -> list[list[float]] | None:
    """Salida mínima: sin probabilidades salvo que se habiliten, y redondeadas."""
    if not settings.return_probabilities:
        return None
    return proba.round(settings.proba_decimals).tolist()


@router.post("/predict", response_model_exclude_none=True, responses=RATE_LIMIT_RESPONSES)
def predict(
    image: DigitImage, principal: PredictPrincipal, model: ModelDep, request: Request
) -> Prediction:
    matrix = np.asarray([image.pixels])
    remember_input(request, matrix)
    charge(request, principal, 1)
    [label], proba = model.predict_proba(matrix)
    output = format_output(request.app.state.settings, proba)
    return Prediction(
        label=label, probabilities=output[0] if output else None, model_version=model.version
    )


@router.post("/predict/batch", response_model_exclude_none=True, responses=RATE_LIMIT_RESPONSES)
def predict_batch(
    batch: BatchRequest, principal: PredictPrincipal, model: ModelDep, request: Request
) -> BatchPrediction:
    matrix = np.asarray(batch.instances)
    remember_input(request, matrix)
    charge(request, principal, len(matrix))  # el costo es por fila, no por pedido
    labels, proba = model.predict_proba(matrix)
    return BatchPrediction(
        labels=labels,
        probabilities=format_output(request.app.state.settings, proba),
        model_version=model.version,
    )


@router.get("/model")
def model_info(principal: PredictPrincipal, model: ModelDep, request: Request) -> ModelInfo:
    """Qué modelo responde: versión, huella SHA-256 del artefacto y política de salida."""
    return ModelInfo(
        version=model.version,
        algorithm=type(model.model).__name__,
        sha256=model.sha256,
        test_accuracy=round(model.test_accuracy, 4),
        classes=model.classes,
        returns_probabilities=request.app.state.settings.return_probabilities,
    )
