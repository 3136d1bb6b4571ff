"""Configuración por entorno: un solo objeto, leído de variables de entorno con valores por defecto.

El mismo código corre en tres entornos; solo cambian las variables:

- ``local``: el stack local (``make stack-up``) y la app con uvicorn; todo en ``localhost``.
- ``contenedores``: docker compose; los servicios se llaman por su nombre (``mlflow:5000``,
  ``kafka:19092``, ``minio:9000``), que el archivo de compose pasa como variables.
- ``produccion``: como contenedores, pero se niega a arrancar con secretos de desarrollo.

Valores de desarrollo (públicos, están en el libro): la clave de API ``dev-clave-proyecto-0001``
y el secreto JWT ``dev-secreto-jwt-proyecto-clase8-no-usar-en-produccion``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

DEV_API_KEY = "dev-clave-proyecto-0001"
DEV_JWT_SECRET = "dev-secreto-jwt-proyecto-clase8-no-usar-en-produccion"
ENVIRONMENTS = ("local", "contenedores", "produccion")


@dataclass(frozen=True)
class Settings:
    """Todo lo configurable del proyecto. Inmutable: para variar algo, ``with_overrides``."""

    env: str = "local"
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
    topic_events: str = "clase8-eventos"
    topic_predictions: str = "clase8-predicciones"
    topic_dlq: str = "clase8-dlq"
    consumer_group: str = "clase8-inferencia"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Lee la configuración del entorno; lo que no está definido toma el valor por defecto."""
        e = os.environ if environ is None else environ
        d = cls()

        def get(name: str, default: str) -> str:
            return e.get(name) or default

        keys = get("PROYECTO_API_KEYS", ",".join(d.api_keys))
        settings = cls(
            env=get("PROYECTO_ENV", d.env),
            mlflow_tracking_uri=get("MLFLOW_TRACKING_URI", d.mlflow_tracking_uri),
            s3_endpoint_url=get("AWS_ENDPOINT_URL", d.s3_endpoint_url),
            aws_access_key_id=get("AWS_ACCESS_KEY_ID", d.aws_access_key_id),
            aws_secret_access_key=get("AWS_SECRET_ACCESS_KEY", d.aws_secret_access_key),
            aws_region=get("AWS_DEFAULT_REGION", d.aws_region),
            kafka_bootstrap_servers=get("KAFKA_BOOTSTRAP_SERVERS", d.kafka_bootstrap_servers),
            prefix=get("PROYECTO_PREFIX", d.prefix),
            experiment=get("PROYECTO_EXPERIMENT", d.experiment),
            model_name=get("PROYECTO_MODEL_NAME", d.model_name),
            min_improvement=float(get("PROYECTO_MIN_IMPROVEMENT", str(d.min_improvement))),
            reload_interval_s=float(get("PROYECTO_RELOAD_INTERVAL_S", str(d.reload_interval_s))),
            api_keys=tuple(k.strip() for k in keys.split(",") if k.strip()),
            jwt_secret=get("PROYECTO_JWT_SECRET", d.jwt_secret),
            topic_events=get("PROYECTO_TOPIC_EVENTS", d.topic_events),
            topic_predictions=get("PROYECTO_TOPIC_PREDICTIONS", d.topic_predictions),
            topic_dlq=get("PROYECTO_TOPIC_DLQ", d.topic_dlq),
            consumer_group=get("PROYECTO_CONSUMER_GROUP", d.consumer_group),
        )
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
            raise ValueError(f"PROYECTO_ENV={self.env!r} no es válido; usar uno de {ENVIRONMENTS}")
        if not self.api_keys:
            raise ValueError("PROYECTO_API_KEYS está vacía: la API quedaría sin clientes")
        if self.env == "produccion":
            if DEV_API_KEY in self.api_keys or self.jwt_secret == DEV_JWT_SECRET:
                raise ValueError(
                    "PROYECTO_ENV=produccion con secretos de desarrollo: definir "
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
