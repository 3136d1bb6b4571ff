"""Esquema y validación de los datos: la única definición de las columnas y sus rangos."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Reemplazar por las variables del problema: nombre → (mínimo, máximo).
FEATURES: dict[str, tuple[float, float]] = {"x1": (0.0, 10.0), "x2": (0.0, 10.0)}
TARGET = "y"


class DataValidationError(ValueError):
    """El lote no cumple el esquema: no se entrena con él."""


def generate(rows: int = 200, seed: int = 0) -> pd.DataFrame:
    """Datos de ejemplo reproducibles (reemplazar por la ingesta real)."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({name: rng.uniform(lo, hi, rows) for name, (lo, hi) in FEATURES.items()})
    df[TARGET] = (df["x1"] + df["x2"] > 10).astype(int)
    return df


def validate(df: pd.DataFrame, max_rejected: float = 0.1) -> pd.DataFrame:
    """Devuelve las filas válidas; falla si falta una columna o se rechaza demasiado."""
    missing = [c for c in [*FEATURES, TARGET] if c not in df.columns]
    if missing:
        raise DataValidationError(f"faltan columnas: {missing}")
    ok = df[TARGET].isin([0, 1])
    for name, (lo, hi) in FEATURES.items():
        ok &= df[name].between(lo, hi)
    if (~ok).mean() > max_rejected:
        raise DataValidationError(f"se rechazó el {(~ok).mean():.0%} de las filas")
    return df[ok].reset_index(drop=True)
