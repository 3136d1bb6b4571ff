"""De las predicciones del modelo (NumPy) a los mensajes de respuesta del contrato.

Un lote sale como arreglos planos (`repeated` *packed*): índices de clase y probabilidades
aplanadas por filas, más `num_classes` para reconstruir la matriz del otro lado. Así un lote de
10 000 filas es un bloque de bytes, no 10 000 mensajes.
"""

from __future__ import annotations

from collections import Counter

import inference_pb2 as pb2
import numpy as np


def predict_proba(model, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Una sola llamada vectorizada al modelo: (índice de clase por fila, probabilidades)."""
    proba = model.predict_proba(matrix)
    return proba.argmax(axis=1), proba


def predict_response(
    index: np.ndarray, proba: np.ndarray, classes: list[str], version: str, request_id: str
) -> pb2.PredictResponse:
    """La primera (y única) fila de una predicción → `PredictResponse`."""
    return pb2.PredictResponse(
        label=classes[int(index[0])],
        class_index=int(index[0]),
        probabilities=proba[0].tolist(),
        model_version=version,
        request_id=request_id,
    )


def batch_response(
    index: np.ndarray, proba: np.ndarray, version: str, first_row: int = 0
) -> pb2.BatchResponse:
    """Un lote (o un bloque de un lote, desde `first_row`) → `BatchResponse`."""
    return pb2.BatchResponse(
        class_index=index,
        probabilities=proba.ravel(),
        num_classes=proba.shape[1],
        first_row=first_row,
        model_version=version,
    )


def summary_response(
    index: np.ndarray, proba: np.ndarray, classes: list[str], version: str
) -> pb2.PredictionSummary:
    """Todas las filas de un *stream* → cuántas de cada clase y la probabilidad media."""
    counts = Counter(classes[i] for i in index.tolist())
    return pb2.PredictionSummary(
        rows=len(index),
        class_counts=dict(sorted(counts.items())),
        mean_probabilities=proba.mean(axis=0).tolist(),
        model_version=version,
    )
