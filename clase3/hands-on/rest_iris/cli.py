"""Línea de comandos: `python -m rest_iris` arranca la API con uvicorn.

    python -m rest_iris --port 8001
    python -m rest_iris --port 8001 --model artifacts/iris_rf.joblib
    APP_ENV=production MODEL_PATH=/modelos/iris.joblib python -m rest_iris --host 0.0.0.0

La configuración se valida antes de arrancar, así un error sale enseguida y con un mensaje
claro.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import uvicorn

from .app import create_app
from .settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rest_iris", description="REST de iris.")
    parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 para aceptar conexiones")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--model", type=Path, help="paquete de iris_model.py (o $MODEL_PATH)")
    parser.add_argument("--log-level", default="warning")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    environ = dict(os.environ)
    if args.model is not None:  # la opción manda sobre la variable de entorno
        environ["MODEL_PATH"] = str(args.model.resolve())
    try:
        settings = Settings.from_env(environ)
    except ValueError as error:
        raise SystemExit(f"Configuración inválida: {error}") from None
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level)
