"""Tabla única de los servicios del stack del curso: nombres, puertos y variables de entorno.

Es la fuente de verdad para los dos modos de levantar el stack (Docker Compose y el modo
local `make stack-up`) y para los notebooks, que leen los endpoints así:

    from coursekit import stack
    stack.require("kafka")                       # falla con un mensaje claro si no responde
    servers = stack.env("KAFKA_BOOTSTRAP_SERVERS")  # "localhost:9092" salvo que se cambie

Cada variable se lee del entorno y, si no está definida, toma el valor por defecto de esta
tabla (el mismo de `.env.example`). Solo usa la biblioteca estándar.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Service:
    """Un servicio del stack."""

    name: str  # nombre en docker-compose.yml y en `python -m stack.localstack up NOMBRE`
    title: str  # descripción corta para tablas y mensajes
    ports: dict[str, int]  # puertos publicados en el host, por función
    env: dict[str, str]  # variables de entorno que lo describen y sus valores por defecto
    profiles: tuple[str, ...]  # perfiles de docker compose que lo incluyen (el primero manda)
    # Servicios que necesita levantados antes: docker compose los espera y el modo local
    # (stack/localstack/order.py) deriva de aquí su orden de arranque.
    depends_on: tuple[str, ...] = ()


SERVICES: dict[str, Service] = {
    s.name: s
    for s in (
        Service(
            name="kafka",
            title="Apache Kafka 4 (KRaft, un nodo)",
            ports={"broker": 9092, "controller": 9093},
            env={"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092"},
            profiles=("streaming",),
        ),
        Service(
            name="redis",
            title="Redis",
            ports={"redis": 6379},
            env={"REDIS_URL": "redis://localhost:6379/0"},
            profiles=("streaming",),
        ),
        Service(
            name="postgres",
            title="PostgreSQL (bases de MLflow y Airflow)",
            ports={"postgres": 5432},
            env={
                "POSTGRES_HOST": "localhost",
                "POSTGRES_PORT": "5432",
                "POSTGRES_USER": "mlops",
                "POSTGRES_PASSWORD": "mlops",
                "POSTGRES_DB": "mlops",
            },
            profiles=("datalake", "airflow"),
        ),
        Service(
            name="minio",
            title="S3 (MinIO: API y consola)",
            ports={"api": 9000, "console": 9001},
            env={
                "AWS_ENDPOINT_URL": "http://localhost:9000",
                "MLFLOW_S3_ENDPOINT_URL": "http://localhost:9000",
                "AWS_ACCESS_KEY_ID": "minioadmin",
                "AWS_SECRET_ACCESS_KEY": "minioadmin",
                "AWS_DEFAULT_REGION": "us-east-1",
            },
            profiles=("datalake", "airflow"),
        ),
        Service(
            name="mlflow",
            title="MLflow tracking server",
            ports={"http": 5000},
            env={"MLFLOW_TRACKING_URI": "http://localhost:5000"},
            profiles=("datalake", "airflow"),
            depends_on=("postgres", "minio"),
        ),
        Service(
            name="airflow",
            title="Apache Airflow 3 (api-server y scheduler)",
            ports={"http": 8080},
            env={},
            profiles=("airflow",),
            depends_on=("postgres", "minio", "mlflow"),
        ),
        Service(
            name="prometheus",
            title="Prometheus (métricas y alertas)",
            ports={"http": 9090},
            env={
                "PROMETHEUS_URL": "http://localhost:9090",
                # Host con el que Prometheus alcanza los servicios de los notebooks:
                # host.docker.internal si Prometheus corre en un contenedor.
                "PROMETHEUS_TARGET_HOST": "127.0.0.1",
            },
            profiles=("monitoring",),
        ),
    )
}

# Buckets del curso; los crean `make stack-up` y el servicio minio-init de docker compose.
BUCKETS: tuple[str, ...] = ("mlflow", "datalake-raw", "datalake-curated", "datalake-features")

# Todas las variables con su valor por defecto (lo que dice .env.example).
DEFAULTS: dict[str, str] = {var: value for s in SERVICES.values() for var, value in s.env.items()}

# Cómo levantar cada modo (se usa en los mensajes de error).
LOCAL_UP = "make stack-up"


def env(var: str) -> str:
    """Valor de `var`: el del entorno o, si no está definida, el de la tabla."""
    if var not in DEFAULTS:
        raise KeyError(
            f"'{var}' no es una variable del stack; las conocidas son: {sorted(DEFAULTS)}"
        )
    return os.environ.get(var) or DEFAULTS[var]


def environment() -> dict[str, str]:
    """Todas las variables del stack con su valor efectivo (entorno o tabla)."""
    return {var: env(var) for var in DEFAULTS}


def s3_config() -> dict[str, str]:
    """Argumentos para `boto3.client("s3", **stack.s3_config())`: endpoint y credenciales."""
    return {
        "endpoint_url": env("AWS_ENDPOINT_URL"),
        "aws_access_key_id": env("AWS_ACCESS_KEY_ID"),
        "aws_secret_access_key": env("AWS_SECRET_ACCESS_KEY"),
        "region_name": env("AWS_DEFAULT_REGION"),
    }


def endpoint(name: str) -> str:
    """Dirección principal del servicio `name`, tal como la espera su cliente."""
    service = _service(name)
    if name == "kafka":
        return env("KAFKA_BOOTSTRAP_SERVERS")
    if name == "redis":
        return env("REDIS_URL")
    if name == "minio":
        return env("AWS_ENDPOINT_URL")
    if name == "mlflow":
        return env("MLFLOW_TRACKING_URI")
    if name == "prometheus":
        return env("PROMETHEUS_URL")
    if name == "postgres":
        user, password = env("POSTGRES_USER"), env("POSTGRES_PASSWORD")
        host, port, db = env("POSTGRES_HOST"), env("POSTGRES_PORT"), env("POSTGRES_DB")
        return f"postgresql://{user}:{password}@{host}:{port}/{db}"
    return f"http://localhost:{service.ports['http']}"  # airflow


def address(name: str) -> tuple[str, int]:
    """(host, puerto) donde debería escuchar el servicio `name`."""
    value = endpoint(name)
    if name == "kafka":  # "host:puerto[,host:puerto...]": basta el primero
        host, _, port = value.split(",")[0].strip().rpartition(":")
        return host, int(port)
    parts = urlsplit(value)
    return parts.hostname or "localhost", parts.port or next(iter(_service(name).ports.values()))


def compose_hint(name: str) -> str:
    """Comando de docker compose que levanta el servicio `name`."""
    return f"docker compose --profile {_service(name).profiles[0]} up -d"


def is_up(name: str, timeout: float = 1.0) -> bool:
    """True si el puerto principal del servicio acepta conexiones TCP."""
    try:
        with socket.create_connection(address(name), timeout=timeout):
            return True
    except OSError:
        return False


def require(*services: str, timeout: float = 30.0) -> None:
    """Espera (hasta `timeout` segundos) a que respondan los servicios pedidos.

    Si alguno no responde lanza RuntimeError con el servicio, su host:puerto y cómo
    levantarlo en cada modo. Sin argumentos, exige todo el stack.
    """
    names = list(services) or list(SERVICES)
    for name in names:
        _service(name)  # nombre desconocido: KeyError antes de esperar
    deadline = time.monotonic() + timeout
    missing = [n for n in names if not is_up(n)]
    while missing and time.monotonic() < deadline:
        time.sleep(0.5)
        missing = [n for n in missing if not is_up(n)]
    if missing:
        lines = []
        for name in missing:
            host, port = address(name)
            lines.append(
                f"  - {name} ({SERVICES[name].title}) no responde en {host}:{port}. "
                f"Levantarlo con `{LOCAL_UP}` (modo local) o `{compose_hint(name)}` (Docker)."
            )
        raise RuntimeError(
            f"El stack del curso no está listo (esperé {timeout:.0f} s):\n"
            + "\n".join(lines)
            + "\nVerificar con `make stack-status`; ver también el capítulo «El stack del curso»."
        )


def _service(name: str) -> Service:
    try:
        return SERVICES[name]
    except KeyError:
        raise KeyError(
            f"'{name}' no es un servicio del stack; son: {', '.join(SERVICES)}"
        ) from None
