"""ETL entre zonas: raw (CSV) -> curated (Parquet tipado) -> features (Parquet con variables).

Cada zona se escribe como Parquet particionado por `fecha` (estilo Hive) directamente en S3 con
`pyarrow.dataset`, y cada paso pasa por su compuerta de calidad antes de escribir.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from .config import LakeConfig
from .features import FEATURE_SET, SIGNALS, TARGET, add_features
from .ingest import DATASET, RAW_COLUMNS, raw_key, read_raw
from .quality import DataQualityError, check_features, check_raw


def write_partition(config: LakeConfig, bucket: str, dataset: str, frame: pd.DataFrame) -> str:
    """Escribe `frame` como Parquet particionado por `fecha` (estilo Hive) en s3://bucket/dataset.
    Reemplaza solo las particiones presentes en `frame` (reejecutar un día es idempotente)."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    table = pa.Table.from_pandas(frame, preserve_index=False)
    ds.write_dataset(
        table,
        base_dir=f"{bucket}/{dataset}",
        filesystem=config.filesystem(),
        format="parquet",
        partitioning=ds.partitioning(pa.schema([("fecha", pa.string())]), flavor="hive"),
        existing_data_behavior="delete_matching",
        basename_template="part-{i}.parquet",
        create_dir=False,  # en S3 no hay carpetas: sin objetos vacíos "carpeta/"
    )
    return f"s3://{bucket}/{dataset}"


def read_partitions(config: LakeConfig, bucket: str, dataset: str, days: list[date]):
    """Lee solo las particiones de `days` (el filtro poda carpetas: no baja las demás)."""
    import pyarrow.dataset as ds

    lake = ds.dataset(
        f"{bucket}/{dataset}", filesystem=config.filesystem(), format="parquet", partitioning="hive"
    )
    wanted = [d.isoformat() for d in days]
    table = lake.to_table(filter=ds.field("fecha").isin(wanted))
    frame = table.to_pandas()
    frame["fecha"] = frame["fecha"].astype(str)
    return frame.sort_values(["fecha", "ts", "device_id"]).reset_index(drop=True)


def raw_to_curated(config: LakeConfig, day: date) -> dict:
    """raw -> curated para un día: valida, tipa y escribe Parquet. Falla sin escribir nada si el
    lote no pasa los controles (DataQualityError con la lista de problemas)."""
    frame, version = read_raw(config, day)
    problems = check_raw(frame, day)
    if problems:
        raise DataQualityError(f"raw {raw_key(day)}", problems)
    curated = frame[RAW_COLUMNS].copy()
    curated["ts"] = pd.to_datetime(curated["ts"])
    curated["failure"] = curated["failure"].astype("int8")
    curated["fecha"] = day.isoformat()
    write_partition(config, config.curated_bucket, DATASET, curated)
    return {"day": day.isoformat(), "rows": len(curated), "raw_version_id": version}


def curated_to_features(curated: pd.DataFrame) -> pd.DataFrame:
    """Las filas de curated con las variables del modelo (`features.add_features`): sin E/S."""
    return add_features(curated[["fecha", "device_id", "ts", *SIGNALS, TARGET]])


def build_features(config: LakeConfig, days: list[date]) -> dict:
    """curated -> features de `days`: agrega las variables derivadas y valida antes de escribir."""
    curated = read_partitions(config, config.curated_bucket, DATASET, days)
    features = curated_to_features(curated)
    problems = check_features(curated, features)
    if problems:
        raise DataQualityError("curated -> features", problems)
    write_partition(config, config.features_bucket, FEATURE_SET, features)
    return {"days": [d.isoformat() for d in days], "rows": len(features)}
