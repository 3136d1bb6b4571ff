"""Compuertas de calidad entre zonas: un lote con problemas no avanza y el error dice cuáles.

Cada control devuelve la lista de problemas (vacía si el lote está bien); el ETL la convierte en
`DataQualityError` y no escribe nada en la zona siguiente.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from .features import FEATURES, TARGET
from .ingest import RAW_COLUMNS

# Rangos físicamente posibles de cada lectura: fuera de ellos hay un error de captura.
RANGES = {
    "temperature": (-30.0, 150.0),
    "vibration": (0.0, 50.0),
    "pressure": (0.0, 100.0),
    "hours": (0.0, 100_000.0),
}


class DataQualityError(ValueError):
    """Un lote no pasó los controles de calidad entre zonas; `problems` dice cuáles."""

    def __init__(self, where: str, problems: list[str]):
        self.where = where
        self.problems = problems
        super().__init__(f"{where}: {len(problems)} problema(s) de calidad: " + "; ".join(problems))


def check_raw(frame: pd.DataFrame, day: date) -> list[str]:
    """Controles raw -> curated: esquema, nulos, rangos, etiqueta, duplicados y fecha."""
    missing = [c for c in RAW_COLUMNS if c not in frame.columns]
    if missing:
        return [f"faltan columnas: {missing}"]
    problems = []
    nulls = {c: int(n) for c, n in frame[RAW_COLUMNS].isna().sum().items() if n}
    if nulls:
        problems.append(f"valores nulos: {nulls}")
    for column, (low, high) in RANGES.items():
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = int((~values.between(low, high)).sum())
        if bad:
            problems.append(f"{column}: {bad} fila(s) fuera de [{low}, {high}]")
    if not frame[TARGET].isin([0, 1]).all():
        problems.append(f"{TARGET}: valores distintos de 0/1")
    duplicates = int(frame.duplicated(["device_id", "ts"]).sum())
    if duplicates:
        problems.append(f"{duplicates} fila(s) duplicadas por (device_id, ts)")
    other_day = int((pd.to_datetime(frame["ts"], errors="coerce").dt.date != day).sum())
    if other_day:
        problems.append(f"{other_day} fila(s) con ts fuera de {day}")
    return problems


def check_features(curated: pd.DataFrame, features: pd.DataFrame) -> list[str]:
    """Controles curated -> features: no se pierden filas, sin nulos, etiqueta con dos clases."""
    problems = []
    if len(features) != len(curated):
        problems.append(f"filas: {len(curated)} en curated y {len(features)} en features")
    if features[FEATURES].isna().any().any():
        problems.append("hay nulos en las variables")
    rate = float(features[TARGET].mean()) if len(features) else 0.0
    if not 0.01 <= rate <= 0.99:
        problems.append(f"tasa de fallas {rate:.3f} fuera de [0.01, 0.99]")
    return problems
