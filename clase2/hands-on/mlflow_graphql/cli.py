"""Línea de comandos: `python -m mlflow_graphql` sirve la API; `export-schema` imprime el SDL.

    python -m mlflow_graphql --port 8001                     # GraphiQL en /graphql
    python -m mlflow_graphql --tracking-uri http://localhost:5000
    python -m mlflow_graphql export-schema > schema.graphql  # el contrato versionado
    APP_ENV=production MLFLOW_TRACKING_URI=http://mlflow:5000 python -m mlflow_graphql \
        --host 0.0.0.0

Servir equivale a `uvicorn --factory mlflow_graphql.app:create_app`: `create_app()` lee la
configuración del entorno. Se valida antes de arrancar, así un error sale enseguida y claro.
"""

from __future__ import annotations

import argparse
import os

import uvicorn
from mlflow.telemetry import set_telemetry_client

from .schema import build_schema
from .settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mlflow_graphql", description="Servicio GraphQL sobre MLflow."
    )
    parser.add_argument("command", nargs="?", default="serve", choices=["serve", "export-schema"])
    parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 para aceptar conexiones")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--tracking-uri", help="MLflow a consultar (o $MLFLOW_TRACKING_URI)")
    parser.add_argument("--log-level", default="info")
    return parser


def disable_mlflow_telemetry() -> None:
    """Sin internet (aula, CI), la telemetría de MLflow solo intentaría conexiones que fallan.

    MLflow decide al importarse si la usa, leyendo MLFLOW_DISABLE_TELEMETRY: se fija la variable
    aquí, en el punto de entrada (nunca al importar), y se le pide que vuelva a decidir.
    """
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    set_telemetry_client()


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    disable_mlflow_telemetry()
    if args.command == "export-schema":
        print(build_schema().as_str())
        return
    if args.tracking_uri is not None:
        # El entorno es la única entrada de create_app(): se fija aquí, nunca al importar.
        os.environ["MLFLOW_TRACKING_URI"] = args.tracking_uri
    try:
        Settings.from_env()
    except ValueError as error:
        raise SystemExit(f"Configuración inválida: {error}") from None
    uvicorn.run(
        "mlflow_graphql.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
    )
