"""Dónde está el lago y con qué credenciales se entra: todo sale del entorno.

Zonas (un *bucket* por zona, con el prefijo de `LAKE_BUCKET_PREFIX`):

    <prefijo>-raw       lecturas/AAAA-MM-DD.csv              tal como llegan (versionado)
    <prefijo>-curated   lecturas/fecha=AAAA-MM-DD/*.parquet  tipado, validado, particionado
    <prefijo>-features  fallas/fecha=AAAA-MM-DD/*.parquet    variables del modelo (versionado)

Variables (entre paréntesis, el valor por defecto en desarrollo, el del stack del curso):

    APP_ENV                 (development; production activa las comprobaciones de producción)
    AWS_ENDPOINT_URL        (http://localhost:9000; vacío = Amazon S3 real)
    AWS_ACCESS_KEY_ID       (minioadmin)      AWS_SECRET_ACCESS_KEY  (minioadmin)
    AWS_DEFAULT_REGION      (us-east-1)
    LAKE_BUCKET_PREFIX      (clase5)
    MLFLOW_TRACKING_URI     (http://localhost:5000)
    LAKE_EXPERIMENT         (clase5-lake)     LAKE_MODEL_NAME  (clase5-fallas)

Con `APP_ENV=production` el endpoint y las claves no tienen valor por defecto: sin ellos, boto3
y pyarrow usan Amazon S3 y la cadena de credenciales de AWS (el rol IAM de la tarea o del *pod*).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

DEV_CREDENTIALS = "minioadmin"  # las del stack del curso: nunca en producción
DEFAULTS = {
    "APP_ENV": "development",
    "AWS_DEFAULT_REGION": "us-east-1",
    "LAKE_BUCKET_PREFIX": "clase5",
    "MLFLOW_TRACKING_URI": "http://localhost:5000",
    "LAKE_EXPERIMENT": "clase5-lake",
    "LAKE_MODEL_NAME": "clase5-fallas",
}
# Solo en desarrollo: el MinIO del stack. En producción, sin valor = AWS y su rol IAM.
DEV_DEFAULTS = {
    "AWS_ENDPOINT_URL": "http://localhost:9000",
    "AWS_ACCESS_KEY_ID": DEV_CREDENTIALS,
    "AWS_SECRET_ACCESS_KEY": DEV_CREDENTIALS,
}
# Un nombre de bucket tiene 3 a 63 caracteres; el sufijo más largo es "-features" (9).
BUCKET_PREFIX = re.compile(r"^[a-z0-9][a-z0-9.-]{1,53}$")


@dataclass(frozen=True)
class LakeConfig:
    """Endpoint, credenciales, prefijo de los buckets y dónde se registran los modelos."""

    endpoint_url: str | None
    access_key: str | None
    secret_key: str | None
    region: str
    bucket_prefix: str
    tracking_uri: str
    experiment: str
    model_name: str
    app_env: str = "development"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LakeConfig:
        """Lee el entorno (o `environ`), completa los valores por defecto y llama a `check()`."""
        env = os.environ if environ is None else environ
        app_env = env.get("APP_ENV") or DEFAULTS["APP_ENV"]
        defaults = DEFAULTS | (DEV_DEFAULTS if app_env != "production" else {})

        def get(var: str) -> str | None:
            value = env.get(var)
            return defaults.get(var) if value is None else value or None  # vacío: sin valor

        config = cls(
            endpoint_url=get("AWS_ENDPOINT_URL"),
            access_key=get("AWS_ACCESS_KEY_ID"),
            secret_key=get("AWS_SECRET_ACCESS_KEY"),
            region=get("AWS_DEFAULT_REGION") or DEFAULTS["AWS_DEFAULT_REGION"],
            bucket_prefix=get("LAKE_BUCKET_PREFIX") or "",
            tracking_uri=get("MLFLOW_TRACKING_URI") or "",
            experiment=get("LAKE_EXPERIMENT") or DEFAULTS["LAKE_EXPERIMENT"],
            model_name=get("LAKE_MODEL_NAME") or DEFAULTS["LAKE_MODEL_NAME"],
            app_env=app_env,
        )
        config.check()
        return config

    def check(self) -> None:
        """Falla con un mensaje claro si la configuración no puede funcionar."""
        if self.app_env not in ("development", "production"):
            message = f"APP_ENV={self.app_env!r} no es válido: debe ser development o production"
            raise ValueError(message)
        if not BUCKET_PREFIX.match(self.bucket_prefix):
            raise ValueError(
                f"LAKE_BUCKET_PREFIX={self.bucket_prefix!r} no sirve para nombrar buckets de S3 "
                "(minúsculas, dígitos, '.' y '-', de 2 a 54 caracteres)"
            )
        if self.endpoint_url and not self.endpoint_url.startswith(("http://", "https://")):
            raise ValueError(f"AWS_ENDPOINT_URL={self.endpoint_url!r} debe empezar con http(s)://")
        if not self.tracking_uri:
            raise ValueError("MLFLOW_TRACKING_URI está vacía: indicar el servidor de MLflow")
        if self.app_env == "production":
            check_production(self)

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


def check_production(config: LakeConfig) -> None:
    """Comprobaciones de `APP_ENV=production`: ni claves de desarrollo ni tráfico sin TLS."""
    if DEV_CREDENTIALS in (config.access_key, config.secret_key):
        raise ValueError(
            "APP_ENV=production con las credenciales de desarrollo (minioadmin): usar un rol "
            "IAM (sin AWS_ACCESS_KEY_ID) o credenciales propias del entorno"
        )
    urls = {"AWS_ENDPOINT_URL": config.endpoint_url, "MLFLOW_TRACKING_URI": config.tracking_uri}
    for var, url in urls.items():
        if url and url.startswith("http://"):
            raise ValueError(f"APP_ENV=production: {var}={url!r} debe usar https:// (TLS)")


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
