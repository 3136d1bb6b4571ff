"""Línea de comandos: `python -m grpc_inference` arranca el servidor y atiende hasta SIGTERM.

    python -m grpc_inference --port 50051                      # entrena el modelo al arrancar
    python -m grpc_inference --port 50051 --model artifacts/iris_rf.joblib
    APP_ENV=production MODEL_PATH=/modelos/iris.joblib python -m grpc_inference --host 0.0.0.0

Este es el único punto de entrada que prepara el entorno: valida la configuración y genera el
código de `inference.proto` si falta (`inference_codegen.ensure()`); recién entonces importa
el servidor, que usa ese código generado.
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

import inference_codegen
import iris_model

from .settings import Settings

logger = logging.getLogger("grpc_inference")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m grpc_inference", description="Servidor gRPC de inferencia (iris)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 para aceptar conexiones")
    parser.add_argument("--port", type=int, default=50051)
    parser.add_argument("--model", type=Path, help="paquete de iris_model.py (o $MODEL_PATH)")
    parser.add_argument("--workers", type=int, default=8, help="hilos que atienden RPC")
    parser.add_argument("--grace", type=float, default=5.0, help="segundos para terminar")
    parser.add_argument("--simulated-latency-ms", type=float, default=0.0)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    environ = dict(os.environ)
    if args.model is not None:  # la opción manda sobre la variable de entorno
        environ["MODEL_PATH"] = str(args.model)
    try:
        settings = Settings.from_env(environ)
        inference_codegen.ensure()
    except (ValueError, RuntimeError) as error:
        raise SystemExit(f"No se puede arrancar: {error}") from None

    # El código generado existe recién ahora: por eso el servidor se importa aquí y no arriba.
    from .server import build_server, serve_until_signal
    from .servicer import InferenceServicer

    model_path = settings.model_path
    bundle = iris_model.load(model_path) if model_path else iris_model.train()
    servicer = InferenceServicer(bundle, args.simulated_latency_ms / 1000)
    running = build_server(
        servicer, args.host, args.port, args.workers, reflection_enabled=settings.reflection
    )
    logger.info(
        "Servidor gRPC listo en %s:%d (modelo %s)", args.host, running.port, bundle["version"]
    )
    serve_until_signal(running, args.grace)
