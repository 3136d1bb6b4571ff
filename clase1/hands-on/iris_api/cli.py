"""Línea de comandos: `python -m iris_api` arranca la API con uvicorn.

    python -m iris_api --port 8000
    python -m iris_api --model-path artifacts/iris_rf.joblib --workers 2 --job-store redis
    APP_ENV=production MODEL_PATH=/modelos/iris.joblib python -m iris_api --host 0.0.0.0

Equivale a `uvicorn --factory iris_api.app:create_app`: cada worker llama a `create_app()`,
que lee la configuración del entorno. La configuración se valida antes de arrancar, así un
error sale enseguida y con un mensaje claro.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import uvicorn

from .settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m iris_api", description="API REST de iris.")
    parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 para aceptar conexiones")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--model-path", type=Path, help="modelo a servir (o $MODEL_PATH)")
    parser.add_argument("--workers", type=int, default=1, help="procesos de uvicorn")
    parser.add_argument(
        "--job-store", choices=["memory", "redis"], help="dónde viven los trabajos (o $JOB_STORE)"
    )
    parser.add_argument("--log-level", default="info")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    # El entorno es la única entrada de create_app() en cada worker: se fija aquí, en el
    # punto de entrada, nunca al importar.
    if args.model_path is not None:
        os.environ["MODEL_PATH"] = str(args.model_path.resolve())
    if args.job_store is not None:
        os.environ["JOB_STORE"] = args.job_store
    try:
        Settings.from_env()
    except ValueError as error:
        raise SystemExit(f"Configuración inválida: {error}") from None
    uvicorn.run(
        "iris_api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
    )
