"""Datos del proyecto: el esquema, los lotes y la validación (la ingesta al lake está en ``lake``).

El caso: predecir si un cliente de un servicio de telefonía abandona (``churn`` = 1) a partir
de cuatro variables. Los lotes se generan con semillas fijas (nada se descarga):

- ``initial``: pocos datos, solo clientes nuevos y con muchas etiquetas mal cargadas;
- ``improved``: más datos, de toda la población y bien etiquetados;
- ``faulty``: un lote roto (columnas fuera de rango), que la validación debe frenar.

Cada lote trae algunas filas inválidas a propósito (nulos, valores fuera de rango): la
validación las descarta, las cuenta y deja un informe junto a los datos curados.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# Esquema: la única definición de las variables y sus rangos válidos. La API (pydantic) y el
# consumidor de Kafka validan con estas mismas reglas.
FEATURES: dict[str, tuple[float, float, str]] = {
    "tenure_months": (0, 120, "meses como cliente"),
    "monthly_charge": (0, 500, "cargo mensual en USD"),
    "complaints": (0, 20, "reclamos en los últimos 6 meses"),
    "data_usage_gb": (0, 200, "datos móviles usados por mes, en GB"),
}
TARGET = "churn"
COLUMNS = [*FEATURES, TARGET]
MIN_ROWS = 100
MAX_REJECTED_FRACTION = 0.10


@dataclass(frozen=True)
class Batch:
    rows: int
    label_noise: float  # fracción de etiquetas invertidas (errores de carga)
    max_tenure: float  # antigüedad máxima de los clientes incluidos
    seed: int


BATCHES = {
    "initial": Batch(rows=300, label_noise=0.30, max_tenure=18, seed=11),
    "improved": Batch(rows=2000, label_noise=0.02, max_tenure=120, seed=12),
    "faulty": Batch(rows=300, label_noise=0.0, max_tenure=120, seed=13),
}


class DataValidationError(ValueError):
    """El lote no pasa la validación: el pipeline se detiene y no se entrena nada."""


def _customers(rng: np.random.Generator, n: int, max_tenure: float) -> pd.DataFrame:
    tenure = rng.uniform(0, max_tenure, n).round()
    charge = rng.gamma(6.0, 12.0, n).clip(5, 480).round(2)
    complaints = rng.poisson(1.2, n).clip(0, 20)
    usage = rng.gamma(2.0, 8.0, n).clip(0, 199).round(1)
    return pd.DataFrame(
        {
            "tenure_months": tenure,
            "monthly_charge": charge,
            "complaints": complaints.astype(float),
            "data_usage_gb": usage,
        }
    )


def _true_churn(df: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """La "realidad" que el modelo intenta aprender (no lineal en la antigüedad)."""
    logit = (
        -1.0
        + 0.9 * df["complaints"]
        - 0.06 * df["tenure_months"]
        + 0.0004 * df["tenure_months"] ** 2
        + 0.025 * (df["monthly_charge"] - 70)
        - 0.04 * df["data_usage_gb"]
    )
    return (rng.uniform(size=len(df)) < 1 / (1 + np.exp(-logit))).astype(int)


def generate_batch(name: str) -> pd.DataFrame:
    """Lote crudo, tal como llegaría de los sistemas de origen (con algunas filas inválidas)."""
    if name not in BATCHES:
        raise KeyError(f"lote desconocido: {name!r}; los lotes son {sorted(BATCHES)}")
    spec = BATCHES[name]
    rng = np.random.default_rng(spec.seed)
    df = _customers(rng, spec.rows, spec.max_tenure)
    y = _true_churn(df, rng)
    flip = rng.uniform(size=len(y)) < spec.label_noise
    df[TARGET] = np.where(flip, 1 - y, y)
    # Errores de origen: ~2 % de filas con nulos o valores imposibles.
    bad = rng.choice(len(df), size=max(2, len(df) // 50), replace=False)
    df.loc[bad[::2], "monthly_charge"] = np.nan
    df.loc[bad[1::2], "tenure_months"] = -5
    if name == "faulty":  # una exportación que cambió de unidad: uso en MB, no en GB
        df["data_usage_gb"] = df["data_usage_gb"] * 1024
    return df


def reference_set() -> pd.DataFrame:
    """Conjunto de evaluación fijo y representativo: el mismo para el retador y el campeón."""
    rng = np.random.default_rng(2026)
    df = _customers(rng, 1500, 120)
    df[TARGET] = _true_churn(df, rng)
    return df


def validate(df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Valida el esquema y los rangos. Devuelve las filas válidas y un informe con los motivos.

    Falla (DataValidationError) si falta una columna, si se rechaza más del 10 % de las filas o
    si quedan menos de 100: un lote así no se usa para entrenar.
    """
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise DataValidationError(f"faltan columnas: {missing}")
    reasons: dict[str, int] = {}
    valid = pd.Series(True, index=df.index)
    for column, (low, high, _) in FEATURES.items():
        values = pd.to_numeric(df[column], errors="coerce")
        null = values.isna()
        out = ~null & ((values < low) | (values > high))
        reasons[f"{column}: nulo o no numérico"] = int(null.sum())
        reasons[f"{column}: fuera de [{low}, {high}]"] = int(out.sum())
        valid &= ~null & ~out
    bad_label = ~df[TARGET].isin([0, 1])
    reasons[f"{TARGET}: distinto de 0/1"] = int(bad_label.sum())
    valid &= ~bad_label
    clean = df.loc[valid, COLUMNS].astype(float).astype({TARGET: int}).reset_index(drop=True)
    report = {
        "rows_in": len(df),
        "rows_valid": len(clean),
        "rows_rejected": int((~valid).sum()),
        "reasons": {k: v for k, v in reasons.items() if v},
    }
    rejected_fraction = report["rows_rejected"] / max(1, len(df))
    if rejected_fraction > MAX_REJECTED_FRACTION:
        raise DataValidationError(
            f"se rechazó el {rejected_fraction:.0%} de las filas (máximo "
            f"{MAX_REJECTED_FRACTION:.0%}): {report['reasons']}"
        )
    if len(clean) < MIN_ROWS:
        raise DataValidationError(f"quedan {len(clean)} filas válidas (mínimo {MIN_ROWS})")
    return clean, report
