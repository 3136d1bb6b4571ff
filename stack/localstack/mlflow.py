"""MLflow: `mlflow server` del entorno del libro, con Postgres como base y artefactos en S3."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from coursekit import stack as table

from .layout import Layout
from .service import LocalService
from .supervisor import spawn
from .tools import StackError, http_ok, say, stack_env


def backend_store(layout: Layout) -> str:
    """Postgres si el entorno tiene psycopg2 (como en docker compose); si no, SQLite."""
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        say("  mlflow: sin psycopg2 en este entorno; se usa SQLite en .stack/mlflow/mlflow.db")
        (layout.state / "mlflow").mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{layout.state / 'mlflow' / 'mlflow.db'}"
    user, password = table.env("POSTGRES_USER"), table.env("POSTGRES_PASSWORD")
    port = table.env("POSTGRES_PORT")
    return f"postgresql+psycopg2://{user}:{password}@localhost:{port}/mlflow"


def start(layout: Layout) -> subprocess.Popen:
    mlflow = Path(sys.executable).parent / "mlflow"
    if not mlflow.exists():
        raise StackError(f"No se encontró {mlflow}: crear el entorno del libro con `make env`.")
    host, port = table.address("mlflow")
    argv = [str(mlflow), "server", "--host", host, "--port", str(port), "--workers", "1"]
    argv += ["--backend-store-uri", backend_store(layout)]
    # Artefactos "proxied": el servidor los guarda en S3; los clientes no necesitan credenciales.
    argv += ["--serve-artifacts", "--artifacts-destination", "s3://mlflow/"]
    # Sin el ejecutor de jobs de MLflow (huey, para funciones de GenAI): el curso no lo usa y
    # sus 7 procesos ocupan ~2 GB de RAM.
    env = {**stack_env(), "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    return spawn(layout, "mlflow", argv, env=env)


def ready(layout: Layout) -> bool:
    return http_ok(f"{table.env('MLFLOW_TRACKING_URI')}/health")


SERVICE = LocalService(name="mlflow", start=start, ready=ready, timeout=120)
