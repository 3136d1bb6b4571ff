"""Corre todos los chequeos sobre este repositorio y esta máquina e imprime el resultado."""

from __future__ import annotations

from coursekit import stack

from .findings import FAIL, OK, ROOT, WARN, Finding
from .machine import check_architecture, check_crlf, check_docker, check_local_tools
from .prometheus import check_prometheus_server, check_promtool
from .python_env import check_pins, check_protobuf_gencode, check_python
from .services import check_mlflow_server, check_ports, stack_pids
from .tools import check_optional_tools

SYMBOLS = {OK: "✔", WARN: "!", FAIL: "✘"}


def run_all() -> list[Finding]:
    ports = {port: name for name, s in stack.SERVICES.items() for port in s.ports.values()}
    scripts = [ROOT / "Makefile", ROOT / ".ci" / "run", *ROOT.glob("stack/**/*.sh")]
    return [
        *check_python(),
        *check_pins(),
        *check_ports(ports, stack_pids=stack_pids()),
        *check_docker(),
        *check_local_tools(),
        *check_optional_tools(),
        *check_architecture(),
        *check_crlf(scripts),
        *check_mlflow_server(stack.env("MLFLOW_TRACKING_URI")),
        *check_prometheus_server(stack.env("PROMETHEUS_URL")),
        *check_promtool(),
        *check_protobuf_gencode(sorted(ROOT.glob("clase*/hands-on/**/*_pb2.py"))),
    ]


def main() -> int:
    """Imprime ✔ / ! / ✘ por chequeo y, en cada problema, el arreglo; 1 si hubo errores."""
    findings = run_all()
    for f in findings:
        print(f"{SYMBOLS[f.level]} {f.check:12} {f.message}")
        if f.fix:
            print(f"  {'':12} → {f.fix}")
    errors = sum(f.level == FAIL for f in findings)
    warnings = sum(f.level == WARN for f in findings)
    print(f"\n{errors} error(es), {warnings} aviso(s).")
    return 1 if errors else 0
