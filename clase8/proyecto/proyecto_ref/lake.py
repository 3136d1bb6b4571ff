"""El data lake en S3 (MinIO): la zona *raw* (el lote tal como llegó) y la *curated* (validado).

    s3://datalake-raw/<prefijo>/<lote>/customers.csv                    ← ingest
    s3://datalake-curated/<prefijo>/<lote>/customers.parquet            ← validate_and_curate
    s3://datalake-curated/<prefijo>/<lote>/customers.validation.json    (informe de validación)

Lo crudo se conserva aunque la validación lo rechace: sirve para investigar qué llegó mal.
"""

from __future__ import annotations

import io
import json

import pandas as pd

from proyecto_ref import data
from proyecto_ref.config import Settings


def raw_key(settings: Settings, batch: str) -> str:
    return f"{settings.prefix}/{batch}/customers.csv"


def curated_key(settings: Settings, batch: str) -> str:
    return f"{settings.prefix}/{batch}/customers.parquet"


def ingest(settings: Settings, batch: str) -> str:
    """Paso 1: deja el lote crudo en la zona *raw* del data lake (CSV, tal como llegó)."""
    body = data.generate_batch(batch).to_csv(index=False).encode()
    key = raw_key(settings, batch)
    settings.s3_client().put_object(Bucket=settings.raw_bucket, Key=key, Body=body)
    return f"s3://{settings.raw_bucket}/{key}"


def validate_and_curate(settings: Settings, batch: str) -> dict:
    """Paso 2: lee el crudo, valida y escribe en la zona *curated* el Parquet y su informe."""
    s3 = settings.s3_client()
    obj = s3.get_object(Bucket=settings.raw_bucket, Key=raw_key(settings, batch))
    clean, report = data.validate(pd.read_csv(obj["Body"]))
    buffer = io.BytesIO()
    clean.to_parquet(buffer, index=False)
    key = curated_key(settings, batch)
    s3.put_object(Bucket=settings.curated_bucket, Key=key, Body=buffer.getvalue())
    s3.put_object(
        Bucket=settings.curated_bucket,
        Key=key.replace(".parquet", ".validation.json"),
        Body=json.dumps(report, ensure_ascii=False, indent=2).encode(),
    )
    return {**report, "uri": f"s3://{settings.curated_bucket}/{key}"}


def read_curated(settings: Settings, batch: str) -> pd.DataFrame:
    obj = settings.s3_client().get_object(
        Bucket=settings.curated_bucket, Key=curated_key(settings, batch)
    )
    return pd.read_parquet(io.BytesIO(obj["Body"].read()))
