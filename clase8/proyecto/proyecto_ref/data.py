"""Datos del proyecto: el esquema, los lotes, la validación y la ingesta al data lake (S3).

El caso: predecir si un cliente de un servicio de telefonía abandona (``abandona`` = 1) a partir
de cuatro variables. Los lotes se generan con semillas fijas (nada se descarga):

- ``inicial``: pocos datos, solo clientes nuevos y con muchas etiquetas mal cargadas;
- ``mejorado``: más datos, de toda la población y bien etiquetados;
- ``defectuoso``: un lote roto (columnas fuera de rango), que la validación debe frenar.

Cada lote trae algunas filas inválidas a propósito (nulos, valores fuera de rango): la
validación las descarta, las cuenta y deja un informe junto a los datos curados.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Esquema: la única definición de las variables y sus rangos válidos. La API (pydantic) y el
# consumidor de Kafka validan con estas mismas reglas.
FEATURES: dict[str, tuple[float, float, str]] = {
    "antiguedad_meses": (0, 120, "meses como cliente"),
    "cargo_mensual": (0, 500, "cargo mensual en USD"),
    "reclamos": (0, 20, "reclamos en los últimos 6 meses"),
    "uso_datos_gb": (0, 200, "datos móviles usados por mes, en GB"),
}
TARGET = "abandona"
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
    "inicial": Batch(rows=300, label_noise=0.30, max_tenure=18, seed=11),
    "mejorado": Batch(rows=2000, label_noise=0.02, max_tenure=120, seed=12),
    "defectuoso": Batch(rows=300, label_noise=0.0, max_tenure=120, seed=13),
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
            "antiguedad_meses": tenure,
            "cargo_mensual": charge,
            "reclamos": complaints.astype(float),
            "uso_datos_gb": usage,
        }
    )


def _true_churn(df: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """La "realidad" que el modelo intenta aprender (no lineal en la antigüedad)."""
    logit = (
        -1.0
        + 0.9 * df["reclamos"]
        - 0.06 * df["antiguedad_meses"]
        + 0.0004 * df["antiguedad_meses"] ** 2
        + 0.025 * (df["cargo_mensual"] - 70)
        - 0.04 * df["uso_datos_gb"]
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
    df.loc[bad[::2], "cargo_mensual"] = np.nan
    df.loc[bad[1::2], "antiguedad_meses"] = -5
    if name == "defectuoso":  # una exportación que cambió de unidad: uso en MB, no en GB
        df["uso_datos_gb"] = df["uso_datos_gb"] * 1024
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


# ------------------------------------------------------------------------- data lake (S3)


def raw_key(settings, batch: str) -> str:
    return f"{settings.prefix}/{batch}/clientes.csv"


def curated_key(settings, batch: str) -> str:
    return f"{settings.prefix}/{batch}/clientes.parquet"


def ingest(settings, batch: str) -> str:
    """Paso 1: deja el lote crudo en la zona *raw* del data lake (CSV, tal como llegó)."""
    body = generate_batch(batch).to_csv(index=False).encode()
    key = raw_key(settings, batch)
    settings.s3_client().put_object(Bucket=settings.raw_bucket, Key=key, Body=body)
    return f"s3://{settings.raw_bucket}/{key}"


def validate_and_curate(settings, batch: str) -> dict:
    """Paso 2: lee el crudo, valida y escribe en la zona *curated* el Parquet y su informe."""
    s3 = settings.s3_client()
    obj = s3.get_object(Bucket=settings.raw_bucket, Key=raw_key(settings, batch))
    clean, report = validate(pd.read_csv(obj["Body"]))
    buffer = io.BytesIO()
    clean.to_parquet(buffer, index=False)
    key = curated_key(settings, batch)
    s3.put_object(Bucket=settings.curated_bucket, Key=key, Body=buffer.getvalue())
    report_key = key.replace(".parquet", ".validacion.json")
    s3.put_object(
        Bucket=settings.curated_bucket,
        Key=report_key,
        Body=json.dumps(report, ensure_ascii=False, indent=2).encode(),
    )
    return {**report, "uri": f"s3://{settings.curated_bucket}/{key}"}


def read_curated(settings, batch: str) -> pd.DataFrame:
    obj = settings.s3_client().get_object(
        Bucket=settings.curated_bucket, Key=curated_key(settings, batch)
    )
    return pd.read_parquet(io.BytesIO(obj["Body"].read()))
