"""Argumentos de `python -m stack.localstack` (ver el docstring del paquete)."""

from __future__ import annotations

import argparse

from . import commands, order
from .airflow import airflow_cli
from .layout import Layout
from .status import status
from .tools import StackError, say


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m stack.localstack", description="Stack local del curso (sin Docker)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="levanta los servicios (todos o los nombrados)")
    up.add_argument("services", nargs="*", metavar="servicio", help=", ".join(order.start_order()))
    down = sub.add_parser("down", help="detiene todo lo que levantó (o solo los nombrados)")
    down.add_argument("services", nargs="*", metavar="servicio", help="por defecto, todos")
    sub.add_parser("status", help="muestra el estado; sale con 1 si algún servicio se cayó")
    sub.add_parser("env", help="imprime las variables del stack como `export`")
    airflow = sub.add_parser("airflow", help="ejecuta la CLI de Airflow con el entorno del stack")
    airflow.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        layout = Layout.from_env()
        if args.command == "up":
            return commands.up(layout, args.services)
        if args.command == "down":
            return commands.down(layout, args.services)
        if args.command == "status":
            return status(layout)
        if args.command == "env":
            return commands.env()
        return airflow_cli(layout, *args.args)
    except StackError as error:
        say(f"ERROR: {error}")
        return 1
