"""Data lake de la Clase 5: zonas en S3, ETL a Parquet particionado, calidad, entrenamiento y
registro en MLflow. Lo usan los notebooks, el DAG de Airflow (`dags/c5_lake_dag.py`) y las pruebas.

Zonas (un *bucket* por zona, con el prefijo de `LAKE_BUCKET_PREFIX`):

    <prefijo>-raw       lecturas/AAAA-MM-DD.csv            tal como llegan (versionado)
    <prefijo>-curated   lecturas/fecha=AAAA-MM-DD/*.parquet  tipado, validado, particionado
    <prefijo>-features  fallas/fecha=AAAA-MM-DD/*.parquet    variables del modelo (versionado)

Todo se configura con variables de entorno estándar, así el mismo código corre contra MinIO local,
otro MinIO o Amazon S3 (entre paréntesis, el valor por defecto, el del stack del curso):

    AWS_ENDPOINT_URL        (http://localhost:9000; vacío = Amazon S3 real)
    AWS_ACCESS_KEY_ID       (minioadmin)      AWS_SECRET_ACCESS_KEY  (minioadmin)
    AWS_DEFAULT_REGION      (us-east-1)
    LAKE_BUCKET_PREFIX      (clase5)
    MLFLOW_TRACKING_URI     (http://localhost:5000)
    LAKE_EXPERIMENT         (clase5-lake)     LAKE_MODEL_NAME  (clase5-fallas)

Fuera de Jupyter (con el stack levantado):

    python c5_lake.py setup                               # crea los buckets (idempotente)
    python c5_lake.py ingest --start 2026-01-01 --days 3  # zona raw
    python c5_lake.py etl --start 2026-01-01 --days 3     # raw -> curated -> features
    python c5_lake.py train --start 2026-01-01 --days 3   # entrena, registra y promueve
    python c5_lake.py pipeline --days 3                   # setup + ingest + etl
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

DATASET = "lecturas"  # nombre del conjunto en raw y curated
FEATURE_SET = "fallas"  # nombre del conjunto de variables en features
FEATURES = ["temperature", "vibration", "pressure", "hours", "stress"]
TARGET = "failure"
RAW_COLUMNS = ["device_id", "ts", "temperature", "vibration", "pressure", "hours", "failure"]
# Rangos físicamente posibles de cada lectura: fuera de ellos hay un error de captura.
RANGES = {
    "temperature": (-30.0, 150.0),
    "vibration": (0.0, 50.0),
    "pressure": (0.0, 100.0),
    "hours": (0.0, 100_000.0),
}
DEFAULTS = {
    "AWS_ENDPOINT_URL": "http://localhost:9000",
    "AWS_ACCESS_KEY_ID": "minioadmin",
    "AWS_SECRET_ACCESS_KEY": "minioadmin",
    "AWS_DEFAULT_REGION": "us-east-1",
    "LAKE_BUCKET_PREFIX": "clase5",
    "MLFLOW_TRACKING_URI": "http://localhost:5000",
    "LAKE_EXPERIMENT": "clase5-lake",
    "LAKE_MODEL_NAME": "clase5-fallas",
}


class DataQualityError(ValueError):
    """Un lote no pasó los controles de calidad entre zonas; `problems` dice cuáles."""

    def __init__(self, where: str, problems: list[str]):
        self.where = where
        self.problems = problems
        super().__init__(f"{where}: {len(problems)} problema(s) de calidad: " + "; ".join(problems))


# ---------------------------------------------------------------------------- configuración


@dataclass(frozen=True)
class LakeConfig:
    """Dónde está el lago y con qué credenciales se entra. Solo viene del entorno."""

    endpoint_url: str | None
    access_key: str
    secret_key: str
    region: str
    bucket_prefix: str
    tracking_uri: str
    experiment: str
    model_name: str

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> LakeConfig:
        env = os.environ if env is None else env

        def get(var: str) -> str:
            value = env.get(var)
            return DEFAULTS[var] if value is None else value

        return cls(
            endpoint_url=get("AWS_ENDPOINT_URL") or None,  # vacío: el endpoint de AWS
            access_key=get("AWS_ACCESS_KEY_ID"),
            secret_key=get("AWS_SECRET_ACCESS_KEY"),
            region=get("AWS_DEFAULT_REGION"),
            bucket_prefix=get("LAKE_BUCKET_PREFIX"),
            tracking_uri=get("MLFLOW_TRACKING_URI"),
            experiment=get("LAKE_EXPERIMENT"),
            model_name=get("LAKE_MODEL_NAME"),
        )

    @property
    def raw_bucket(self) -> str:
        return f"{self.bucket_prefix}-raw"

    @property
    def curated_bucket(self) -> str:
        return f"{self.bucket_prefix}-curated"

    @property
    def features_bucket(self) -> str:
        return f"{self.bucket_prefix}-features"

    @property
    def buckets(self) -> tuple[str, str, str]:
        return (self.raw_bucket, self.curated_bucket, self.features_bucket)

    def s3_client(self):
        """Cliente boto3 de S3 (timeouts cortos y pocos reintentos: falla rápido y claro)."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 2}),
        )

    def filesystem(self):
        """Sistema de archivos S3 de pyarrow apuntado al mismo endpoint (MinIO o AWS)."""
        from pyarrow import fs

        kwargs = {
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "region": self.region,
            "connect_timeout": 3,
            "request_timeout": 10,
        }
        if self.endpoint_url:
            scheme, _, host = self.endpoint_url.partition("://")
            kwargs |= {"endpoint_override": host, "scheme": scheme}
        return fs.S3FileSystem(**kwargs)


def ensure_buckets(config: LakeConfig) -> list[str]:
    """Crea los buckets de las tres zonas si faltan y activa el versionado en raw y features.
    Devuelve los que creó (idempotente: una segunda llamada devuelve [])."""
    s3 = config.s3_client()
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    created = []
    for bucket in config.buckets:
        if bucket not in existing:
            s3.create_bucket(Bucket=bucket)
            created.append(bucket)
    for bucket in (config.raw_bucket, config.features_bucket):
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return created


# ------------------------------------------------------------------------------ datos fuente


def days_from(start: str | date, days: int) -> list[date]:
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


# ------------------------------------------------------------------- calidad entre zonas


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


# ------------------------------------------------------------------------------------ ETL


def read_raw(config: LakeConfig, day: date) -> tuple[pd.DataFrame, str | None]:
    """Lee el CSV del día de la zona raw (última versión) y devuelve (datos, versión)."""
    obj = config.s3_client().get_object(Bucket=config.raw_bucket, Key=raw_key(day))
    return pd.read_csv(io.BytesIO(obj["Body"].read())), obj.get("VersionId")


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


def build_features(config: LakeConfig, days: list[date]) -> dict:
    """curated -> features: agrega la variable derivada `stress` y valida antes de escribir."""
    curated = read_partitions(config, config.curated_bucket, DATASET, days)
    features = curated[["fecha", "device_id", "ts", *FEATURES[:-1], TARGET]].copy()
    features["stress"] = (features["vibration"] * features["hours"] / 1000).round(4)
    problems = check_features(curated, features)
    if problems:
        raise DataQualityError("curated -> features", problems)
    write_partition(config, config.features_bucket, FEATURE_SET, features)
    return {"days": [d.isoformat() for d in days], "rows": len(features)}


def feature_versions(config: LakeConfig, days: list[date]) -> dict[str, str]:
    """{clave: versión} de los Parquet de features de `days`: la referencia exacta de los datos."""
    s3 = config.s3_client()
    versions = {}
    for day in days:
        prefix = f"{FEATURE_SET}/fecha={day.isoformat()}/"
        for obj in s3.list_objects_v2(Bucket=config.features_bucket, Prefix=prefix).get(
            "Contents", []
        ):
            head = s3.head_object(Bucket=config.features_bucket, Key=obj["Key"])
            versions[obj["Key"]] = head.get("VersionId") or "null"
    return versions


# ------------------------------------------------------------------------ modelo y MLflow


def split_by_day(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Partición temporal: se evalúa con el último día, se entrena con los anteriores."""
    last = frame["fecha"].max()
    return frame[frame["fecha"] < last], frame[frame["fecha"] == last]


def fit_model(train: pd.DataFrame, C: float = 1.0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=500))
    return model.fit(train[FEATURES], train[TARGET])


def evaluate(model, test: pd.DataFrame) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

    proba = model.predict_proba(test[FEATURES])[:, 1]
    predicted = (proba >= 0.5).astype(int)
    return {
        "roc_auc": round(float(roc_auc_score(test[TARGET], proba)), 4),
        "f1": round(float(f1_score(test[TARGET], predicted)), 4),
        "accuracy": round(float(accuracy_score(test[TARGET], predicted)), 4),
    }


def train_and_log(config: LakeConfig, days: list[date], C: float = 1.0, run_name=None) -> dict:
    """Entrena con las features de `days` y registra una corrida en MLflow con parámetros,
    métricas, el modelo (artefactos en S3 vía el servidor) y la referencia a los datos."""
    import mlflow
    import sklearn
    from mlflow.models import infer_signature

    mlflow.set_tracking_uri(config.tracking_uri)
    mlflow.set_experiment(config.experiment)
    frame = read_partitions(config, config.features_bucket, FEATURE_SET, days)
    train, test = split_by_day(frame)
    model = fit_model(train, C)
    metrics = evaluate(model, test)
    signature = infer_signature(test[FEATURES], model.predict(test[FEATURES]))
    source = f"s3://{config.features_bucket}/{FEATURE_SET}"
    versions = feature_versions(config, days)
    digest = hashlib.sha256(json.dumps(versions, sort_keys=True).encode()).hexdigest()[:12]
    with warnings.catch_warnings(), mlflow.start_run(run_name=run_name or f"logreg-C{C}") as run:
        # Aviso genérico de MLflow al inferir esquemas con columnas enteras (la etiqueta).
        warnings.filterwarnings("ignore", message=".*Inferred schema contains integer")
        mlflow.log_params({"C": C, "model": "LogisticRegression", "days": len(days)})
        mlflow.log_params({"train_rows": len(train), "test_rows": len(test)})
        mlflow.log_metrics(metrics)
        dataset = mlflow.data.from_pandas(
            frame[[*FEATURES, TARGET, "fecha"]],
            source=source,
            name=f"{FEATURE_SET}-{days[0]}-{days[-1]}",
            targets=TARGET,
            digest=digest,
        )
        mlflow.log_input(dataset, context="training")
        mlflow.set_tags(
            {
                "dataset.path": source,
                "dataset.days": ",".join(d.isoformat() for d in days),
                "dataset.versions": json.dumps(versions, sort_keys=True),
            }
        )
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=signature,
            # Requisitos explícitos: MLflow no tiene que inferirlos importando el modelo.
            pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
        )
    return {"run_id": run.info.run_id, "model_uri": info.model_uri, "metrics": metrics, "C": C}


def register(config: LakeConfig, model_uri: str, run_id: str, metric: float) -> str:
    """Registra el modelo como versión nueva de `config.model_name`; devuelve el número."""
    import mlflow

    mlflow.set_tracking_uri(config.tracking_uri)
    # register_model anuncia en stderr lo que hace; la versión ya se devuelve, sin ese ruido.
    with contextlib.redirect_stderr(io.StringIO()):
        version = mlflow.register_model(model_uri, config.model_name, await_registration_for=60)
    client = mlflow.MlflowClient(config.tracking_uri)
    client.set_model_version_tag(config.model_name, version.version, "roc_auc", str(metric))
    client.set_model_version_tag(config.model_name, version.version, "run_id", run_id)
    return version.version


def promote_if_better(config: LakeConfig, version: str, alias: str = "champion") -> dict:
    """Mueve `alias` a `version` si no hay campeón o si su roc_auc es mayor o igual."""
    import mlflow
    from mlflow.exceptions import MlflowException

    client = mlflow.MlflowClient(config.tracking_uri)
    new = float(client.get_model_version(config.model_name, version).tags["roc_auc"])
    try:
        current = client.get_model_version_by_alias(config.model_name, alias)
        old = float(current.tags.get("roc_auc", "-1"))
    except MlflowException:
        current, old = None, None
    promoted = current is None or new >= old
    if promoted:
        client.set_registered_model_alias(config.model_name, alias, version)
    return {"promoted": promoted, "new_roc_auc": new, "champion_roc_auc": old}


# -------------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Data lake de la Clase 5 (S3 + MLflow).")
    parser.add_argument("command", choices=["setup", "ingest", "etl", "train", "pipeline"])
    parser.add_argument("--start", default="2026-01-01", help="primer día (AAAA-MM-DD)")
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--C", type=float, default=1.0, help="regularización inversa")
    args = parser.parse_args(argv)
    config = LakeConfig.from_env()
    print(f"S3: {config.endpoint_url or 'AWS'} · buckets {config.bucket_prefix}-*", flush=True)
    try:
        run_command(config, args)
    except Exception as exc:
        raise SystemExit(f"error: {describe_error(exc)}") from None


def finalize_s3() -> None:
    """Cierra el SDK de AWS que usa pyarrow antes de que termine el intérprete. Sin esto, el
    proceso puede abortar al salir ("terminate called without an active exception") aunque todo
    haya funcionado: un problema conocido de pyarrow (apache/arrow#34314, #41087)."""
    import gc
    import sys

    if "pyarrow.fs" in sys.modules:
        gc.collect()  # suelta los S3FileSystem que ya no se usan
        sys.modules["pyarrow.fs"].finalize_s3()


def describe_error(exc: Exception) -> str:
    """Mensaje corto y claro para los errores típicos de S3 (credenciales, bucket, red)."""
    from botocore.exceptions import ClientError, EndpointConnectionError

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "?")
        hints = {
            "InvalidAccessKeyId": "la clave de acceso no existe en ese servidor",
            "SignatureDoesNotMatch": "la clave secreta no corresponde a la de acceso",
            "NoSuchBucket": "el bucket no existe (correr `setup`)",
            "NoSuchKey": "el objeto no existe (correr `ingest`)",
            "AccessDenied": "las credenciales no tienen permiso para esa operación",
        }
        return f"S3 respondió {code}: {hints.get(code, error.get('Message', ''))}"
    if isinstance(exc, EndpointConnectionError):
        return f"no se pudo conectar con el endpoint de S3: {exc}"
    return f"{type(exc).__name__}: {exc}"


def run_command(config: LakeConfig, args: argparse.Namespace) -> None:
    days = days_from(args.start, args.days)
    if args.command in ("setup", "pipeline"):
        print("buckets creados:", ensure_buckets(config) or "ninguno (ya existían)")
    if args.command in ("ingest", "pipeline"):
        for day in days:
            print("raw:", raw_key(day), ingest_raw(config, day)["bytes"], "bytes")
    if args.command in ("etl", "pipeline"):
        for day in days:
            print("curated:", raw_to_curated(config, day)["rows"], "filas de", day)
        print("features:", build_features(config, days)["rows"], "filas")
    if args.command == "train":
        result = train_and_log(config, days, C=args.C)
        version = register(
            config, result["model_uri"], result["run_id"], result["metrics"]["roc_auc"]
        )
        print(result["metrics"], "versión", version, promote_if_better(config, version))


if __name__ == "__main__":
    try:
        main()
    finally:  # solo como programa: después de esto pyarrow ya no puede usar S3 en este proceso
        finalize_s3()
