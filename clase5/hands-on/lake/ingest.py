"""Ingesta: las lecturas de los sensores llegan a la zona raw tal como vienen (un CSV por día).

La fuente es simulada y determinística (misma fecha, mismas filas), así los notebooks, el DAG y
las pruebas ven siempre los mismos datos.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from .config import LakeConfig

DATASET = "lecturas"  # nombre del conjunto en raw y curated
RAW_COLUMNS = ["device_id", "ts", "temperature", "vibration", "pressure", "hours", "failure"]


def days_from(start: str | date, days: int) -> list[date]:
    """`days` fechas consecutivas desde `start` (AAAA-MM-DD o date)."""
    first = date.fromisoformat(start) if isinstance(start, str) else start
    return [first + timedelta(days=i) for i in range(days)]


def generate_readings(day: date, n: int = 240, seed: int = 5) -> pd.DataFrame:
    """Lecturas simuladas de sensores de `day` (determinísticas: misma fecha, mismos datos).

    La probabilidad de falla crece con la temperatura, la vibración y las horas de uso; a partir
    del 2026-01-04 la vibración pesa más (un cambio de régimen que un modelo nuevo aprende)."""
    rng = np.random.default_rng([seed, day.toordinal()])
    start = datetime(day.year, day.month, day.day)
    seconds = np.sort(rng.choice(86_400, size=n, replace=False))
    temperature = rng.normal(70, 8, n)
    vibration = rng.gamma(2.0, 1.5, n)
    pressure = rng.normal(30, 3, n)
    hours = rng.uniform(0, 5000, n)
    vib_weight = 0.9 if day >= date(2026, 1, 4) else 0.6
    logit = -5.0 + 0.09 * (temperature - 70) + vib_weight * vibration + 0.0004 * hours
    failure = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame(
        {
            "device_id": [f"dev-{d:03d}" for d in rng.integers(1, 25, n)],
            "ts": [(start + timedelta(seconds=int(s))).isoformat() for s in seconds],
            "temperature": temperature.round(2),
            "vibration": vibration.round(3),
            "pressure": pressure.round(2),
            "hours": hours.round(1),
            "failure": failure,
        }
    )


def raw_key(day: date) -> str:
    """Clave del CSV de un día en la zona raw."""
    return f"{DATASET}/{day.isoformat()}.csv"


def ingest_raw(config: LakeConfig, day: date, frame: pd.DataFrame | None = None) -> dict:
    """Sube el CSV del día a la zona raw tal como llega. Devuelve clave, versión y bytes."""
    frame = generate_readings(day) if frame is None else frame
    body = frame.to_csv(index=False).encode()
    response = config.s3_client().put_object(
        Bucket=config.raw_bucket,
        Key=raw_key(day),
        Body=body,
        ContentType="text/csv",
        Metadata={"source": "sensores-planta-1", "rows": str(len(frame))},
    )
    return {"key": raw_key(day), "version_id": response.get("VersionId"), "bytes": len(body)}


def read_raw(config: LakeConfig, day: date) -> tuple[pd.DataFrame, str | None]:
    """Lee el CSV del día de la zona raw (última versión) y devuelve (datos, versión)."""
    obj = config.s3_client().get_object(Bucket=config.raw_bucket, Key=raw_key(day))
    return pd.read_csv(io.BytesIO(obj["Body"].read())), obj.get("VersionId")
