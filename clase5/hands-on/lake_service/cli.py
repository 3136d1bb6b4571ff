"""`python -m lake_service`: lee los argumentos, prepara el proceso y arranca uvicorn.

El cliente HTTP de MLflow reintenta por defecto varias veces con espera creciente: con un MLflow
caído, una recarga tardaría minutos en fallar. Para este proceso se fijan un tiempo límite corto
y ningún reintento (el sondeo ya reintenta en la vuelta siguiente), salvo que el entorno diga
otra cosa. Con `uvicorn --factory ...` definir esas variables en el entorno del proceso.
"""

from __future__ import annotations

import argparse
import logging
import os

# Un MLflow caído no debe colgar una recarga: sin reintentos y con tiempo límite corto.
MLFLOW_HTTP_DEFAULTS = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "5",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lake_service", description="Servicio que sirve el modelo campeón."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    return parser


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    from .app import create_app
    from .settings import Settings

    args = build_parser().parse_args(argv)
    for var, value in MLFLOW_HTTP_DEFAULTS.items():
        os.environ.setdefault(var, value)  # este proceso; lo que ya diga el entorno, manda
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        raise SystemExit(f"error de configuración: {exc}") from None
    logging.basicConfig(level=args.log_level.upper())
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level)
