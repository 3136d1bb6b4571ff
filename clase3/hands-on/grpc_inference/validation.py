"""Validación de entradas: de los `float` del mensaje a una matriz que el modelo puede usar.

Toda entrada inválida lanza `InvalidInput` con un motivo en español que dice qué está mal y
dónde (fila, columna, campo del mensaje); el servicer la convierte en `INVALID_ARGUMENT`.
Son funciones puras sobre NumPy: no saben nada de gRPC y se prueban sin servidor.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MAX_BATCH_ROWS = 100_000


class InvalidInput(ValueError):
    """Una entrada que el modelo no puede recibir: motivo, campo del mensaje y fila (-1 si no
    aplica). Viaja al cliente como `INVALID_ARGUMENT` más un `InputError` en la metadata."""

    def __init__(self, reason: str, field: str = "features", row: int = -1):
        super().__init__(reason)
        self.reason, self.field, self.row = reason, field, row


def to_matrix(values: Sequence[float], num_features: int, feature_names: list[str]) -> np.ndarray:
    """Arreglo plano (packed) → matriz (filas, columnas) validada: finita y positiva."""
    expected = len(feature_names)
    if num_features != expected:
        raise InvalidInput(
            f"num_features={num_features}, pero el modelo espera {expected} columnas "
            f"({', '.join(feature_names)})",
            field="num_features",
        )
    flat = np.asarray(values, dtype=np.float64)
    if flat.size == 0:
        raise InvalidInput("el lote está vacío: se necesita al menos una fila")
    if flat.size % expected:
        raise InvalidInput(
            f"{flat.size} valores no forman filas completas de {expected} columnas "
            f"(sobran {flat.size % expected})"
        )
    matrix = flat.reshape(-1, expected)
    if len(matrix) > MAX_BATCH_ROWS:
        raise InvalidInput(
            f"el lote tiene {len(matrix)} filas y el máximo es {MAX_BATCH_ROWS}: "
            "partirlo o usar un trabajo por lotes"
        )
    check_measures(matrix, feature_names)
    return matrix


def check_measures(matrix: np.ndarray, feature_names: list[str]) -> None:
    """Cada medida es un número finito y mayor que 0; si no, señala la primera que falla."""
    bad = ~np.isfinite(matrix) | (matrix <= 0)
    if not bad.any():
        return
    row, col = (int(i) for i in np.argwhere(bad)[0])
    value = float(matrix[row, col])
    what = "no es un número finito" if not np.isfinite(value) else "debe ser mayor que 0"
    n_bad = int(bad.any(axis=1).sum())
    raise InvalidInput(
        f"fila {row}, columna {feature_names[col]}: {value:g} {what}"
        + (f" ({n_bad} filas con problemas)" if n_bad > 1 else ""),
        field=f"features[{row * matrix.shape[1] + col}]",
        row=row,
    )


def to_row(values: Sequence[float], feature_names: list[str], row: int = -1) -> np.ndarray:
    """Una fila: exactamente una medida por columna del modelo. `row` es su posición en un
    *stream* (-1 en un RPC unario)."""
    if len(values) != len(feature_names):
        raise InvalidInput(
            f"se esperaban {len(feature_names)} valores ({', '.join(feature_names)}) "
            f"y llegaron {len(values)}",
            row=row,
        )
    try:
        return to_matrix(values, len(feature_names), feature_names)
    except InvalidInput as error:
        raise InvalidInput(error.reason.replace("fila 0, ", ""), error.field, row) from None
