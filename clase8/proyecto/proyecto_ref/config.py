"""Configuración por entorno: un solo objeto, leído de variables de entorno con valores por defecto.

El mismo código corre en tres entornos (`APP_ENV`, el mismo nombre en todo el libro); solo
cambian las variables:

- ``development`` (por defecto): el stack local (``make stack-up``); todo en ``localhost``.
- ``containers``: docker compose; los servicios se llaman por su nombre (``mlflow:5000``,
  ``kafka:19092``, ``minio:9000``), que el archivo de compose pasa como variables.
- ``production``: como contenedores, pero se niega a arrancar con secretos de desarrollo.

Valores de desarrollo (públicos, están en el libro): la clave de API ``dev-clave-proyecto-0001``
y el secreto JWT ``dev-secreto-jwt-proyecto-clase8-no-usar-en-produccion``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

DEV_API_KEY = "dev-clave-proyecto-0001"
DEV_JWT_SECRET = "dev-secreto-jwt-proyecto-clase8-no-usar-en-produccion"
ENVIRONMENTS = ("development", "containers", "production")

# Campo de Settings → variable de entorno que lo define.
VARIABLES = {
    "env": "APP_ENV",
    "mlflow_tracking_uri": "MLFLOW_TRACKING_URI",
    "s3_endpoint_url": "AWS_ENDPOINT_URL",
    "aws_access_key_id": "AWS_ACCESS_KEY_ID",
    "aws_secret_access_key": "AWS_SECRET_ACCESS_KEY",
    "aws_region": "AWS_DEFAULT_REGION",
    "kafka_bootstrap_servers": "KAFKA_BOOTSTRAP_SERVERS",
    "prefix": "PROYECTO_PREFIX",
    "experiment": "PROYECTO_EXPERIMENT",
    "model_name": "PROYECTO_MODEL_NAME",
    "min_improvement": "PROYECTO_MIN_IMPROVEMENT",
    "reload_interval_s": "PROYECTO_RELOAD_INTERVAL_S",
    "api_keys": "PROYECTO_API_KEYS",
    "jwt_secret": "PROYECTO_JWT_SECRET",
    "topic_events": "PROYECTO_TOPIC_EVENTS",
    "topic_predictions": "PROYECTO_TOPIC_PREDICTIONS",
    "topic_dlq": "PROYECTO_TOPIC_DLQ",
    "consumer_group": "PROYECTO_CONSUMER_GROUP",
}


@dataclass(frozen=True)
class Settings:
    """Todo lo configurable del proyecto. Inmutable: para variar algo, ``with_overrides``."""

    env: str = "development"
    # Servicios del stack (mismas variables y valores por defecto que coursekit/stack.py).
    mlflow_tracking_uri: str = "http://localhost:5000"
    s3_endpoint_url: str = "http://localhost:9000"
    aws_access_key_id: str = "minioadmin"
    aws_secret_access_key: str = "minioadmin"
    aws_region: str = "us-east-1"
    kafka_bootstrap_servers: str = "localhost:9092"
    # Data lake: buckets del stack, bajo un prefijo propio.
    raw_bucket: str = "datalake-raw"
    curated_bucket: str = "datalake-curated"
    prefix: str = "clase8/proyecto"
    # MLflow: experimento, modelo registrado y regla de promoción.
    experiment: str = "clase8-proyecto"
    model_name: str = "clase8-churn"
    champion_alias: str = "champion"
    promotion_metric: str = "roc_auc"
    min_improvement: float = 0.01
    # Servicio y streaming.
    reload_interval_s: float = 10.0
    api_keys: tuple[str, ...] = field(default=(DEV_API_KEY,))
    jwt_secret: str = DEV_JWT_SECRET
    topic_events: str = "clase8-events"
    topic_predictions: str = "clase8-predictions"
    topic_dlq: str = "clase8-dlq"
    consumer_group: str = "clase8-inference"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Lee la configuración del entorno; lo que no está definido toma el valor por defecto."""
        environ = os.environ if environ is None else environ
        types = {f.name: f.type for f in fields(cls)}
        values = {}
        for name, variable in VARIABLES.items():
            raw = environ.get(variable)
            if not raw:
                continue
            if name == "api_keys":
                values[name] = tuple(k.strip() for k in raw.split(",") if k.strip())
            elif types[name] == "float":
                values[name] = _number(variable, raw)
            else:
                values[name] = raw
        settings = cls(**values)
        settings.check()
        return settings

    def with_overrides(self, **changes) -> Settings:
        """Copia con algunos valores cambiados (p. ej. el nombre del modelo en las pruebas)."""
        changed = replace(self, **{k: v for k, v in changes.items() if v is not None})
        changed.check()
        return changed

    def check(self) -> None:
        """Falla con un mensaje claro si la configuración no tiene sentido para su entorno."""
        if self.env not in ENVIRONMENTS:
            raise ValueError(f"APP_ENV={self.env!r} no es válido; usar uno de {ENVIRONMENTS}")
        if not self.api_keys:
            raise ValueError("PROYECTO_API_KEYS está vacía: la API quedaría sin clientes")
        if self.env == "production":
            if DEV_API_KEY in self.api_keys or self.jwt_secret == DEV_JWT_SECRET:
                raise ValueError(
                    "APP_ENV=production con secretos de desarrollo: definir "
                    "PROYECTO_API_KEYS y PROYECTO_JWT_SECRET"
                )
            if len(self.jwt_secret) < 32:
                raise ValueError("PROYECTO_JWT_SECRET debe tener al menos 32 caracteres")

    @property
    def champion_uri(self) -> str:
        """URI del modelo que se sirve: siempre el alias, nunca un número de versión fijo."""
        return f"models:/{self.model_name}@{self.champion_alias}"

    def s3_client(self):
        import boto3  # import perezoso: el DAG importa este módulo al parsearse

        return boto3.client(
            "s3",
            endpoint_url=self.s3_endpoint_url,
            aws_access_key_id=self.aws_access_key_id,
            aws_secret_access_key=self.aws_secret_access_key,
            region_name=self.aws_region,
        )


def _number(variable: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{variable}={raw!r} no es un número") from None
