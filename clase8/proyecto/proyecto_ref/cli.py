"""La línea de comandos del proyecto: ``python -m proyecto_ref <comando>`` (desde clase8/proyecto).

    python -m proyecto_ref serve --port 8000          # la API (REST + GraphQL)
    python -m proyecto_ref token --sub analista       # un JWT de desarrollo (1 hora)
    python -m proyecto_ref consume                    # el consumidor de Kafka
    python -m proyecto_ref pipeline --batch initial   # el ciclo de entrenamiento, sin Airflow
    python -m proyecto_ref trigger --batch improved   # dispara el DAG en Airflow y espera

La configuración sale del entorno (``config.Settings.from_env``): si no tiene sentido, el
comando termina con el motivo antes de hacer nada.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading

from proyecto_ref.config import Settings
from proyecto_ref.data import BATCHES


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m proyecto_ref", description="Proyecto de referencia de la Clase 8"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="levanta la API con uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    token = sub.add_parser("token", help="emite un JWT firmado con PROYECTO_JWT_SECRET")
    token.add_argument("--sub", default="analista")
    token.add_argument("--minutes", type=int, default=60)
    consume = sub.add_parser("consume", help="consumidor de Kafka con inferencia por micro-lotes")
    consume.add_argument("--max-events", type=int, default=200)
    consume.add_argument("--max-wait-ms", type=int, default=200)
    for name, help_text in (("pipeline", "ciclo sin Airflow"), ("trigger", "dispara el DAG")):
        command = sub.add_parser(name, help=help_text)
        command.add_argument("--batch", default="initial", choices=sorted(BATCHES))
        command.add_argument(
            "--model-name", default=None, help="por defecto, el de la configuración"
        )
    sub.choices["trigger"].add_argument("--url", default="http://localhost:8080")
    return parser


def serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from proyecto_ref.app import create_app

    uvicorn.run(create_app(settings), host=args.host, port=args.port)
    return 0


def token(settings: Settings, args: argparse.Namespace) -> int:
    from proyecto_ref.auth import create_token

    print(create_token(settings, args.sub, args.minutes))
    return 0


def consume(settings: Settings, args: argparse.Namespace) -> int:
    from proyecto_ref import streaming

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):  # terminar el micro-lote en curso y salir
        signal.signal(sig, lambda *_: stop.set())
    streaming.run(settings, stop, max_events=args.max_events, max_wait_ms=args.max_wait_ms)
    return 0


def pipeline(settings: Settings, args: argparse.Namespace) -> int:
    from proyecto_ref import data
    from proyecto_ref import pipeline as cycle

    try:
        result = cycle.run(settings, args.batch)
    except data.DataValidationError as error:
        print(f"Lote rechazado por la validación: {error}")
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def trigger(settings: Settings, args: argparse.Namespace) -> int:
    from proyecto_ref.airflow_client import DAG_ID, AirflowClient

    client = AirflowClient(args.url)
    try:
        client.unpause(DAG_ID)
        conf = {"batch": args.batch, "model_name": settings.model_name}
        run_id = client.trigger(DAG_ID, conf)
        state = client.wait(DAG_ID, run_id)
        print(run_id, state, client.task_states(DAG_ID, run_id))
    finally:
        client.close()
    return 0 if state == "success" else 1


COMMANDS = {
    "serve": serve,
    "token": token,
    "consume": consume,
    "pipeline": pipeline,
    "trigger": trigger,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        settings = Settings.from_env().with_overrides(model_name=getattr(args, "model_name", None))
    except ValueError as error:
        print(f"Configuración inválida: {error}", file=sys.stderr)
        return 2
    return COMMANDS[args.command](settings, args)
