"""Línea de comandos: entrenar el modelo y servirlo.

    python -m iris_service train --output artifacts/iris_service/iris.joblib --version 4
    python -m iris_service serve --model artifacts/iris_service/iris.joblib --port 8000
    APP_ENV=production MODEL_PATH=/modelos/iris.joblib python -m iris_service serve \
        --host 0.0.0.0

`serve` valida la configuración antes de arrancar, así un error sale enseguida y con un mensaje
claro.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import uvicorn

from . import model
from .app import create_app
from .settings import DEFAULT_MODEL_PATH, Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m iris_service", description="API de predicción de iris (Clase 2)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="entrena y guarda el paquete del modelo")
    train.add_argument("--output", type=Path, default=DEFAULT_MODEL_PATH)
    train.add_argument("--version", default="1", help="la versión del registro que representa")
    serve = commands.add_parser("serve", help="sirve el modelo con uvicorn")
    serve.add_argument("--host", default="127.0.0.1", help="0.0.0.0 para aceptar conexiones")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--model", type=Path, help="paquete a servir (o $MODEL_PATH)")
    serve.add_argument("--log-level", default="warning")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.command == "train":
        bundle = model.train(version=args.version)
        path = model.save(bundle, args.output)
        accuracy = bundle["test_accuracy"]
        print(f"Modelo {bundle['version']} guardado en {path} (exactitud en test: {accuracy:.4f})")
        return
    environ = dict(os.environ)
    if args.model is not None:  # la opción manda sobre la variable de entorno
        environ["MODEL_PATH"] = str(args.model.resolve())
    try:
        settings = Settings.from_env(environ)
    except ValueError as error:
        raise SystemExit(f"Configuración inválida: {error}") from None
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level)
