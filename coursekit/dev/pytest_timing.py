"""Tiempo por clase de `make test`, para que las regresiones se vean.

Como plugin de pytest (lo carga el conftest.py de la raíz) suma la duración de cada prueba
(preparación + ejecución + cierre) por clase del libro (`claseN/…` y `tests/claseN/…`), por el
stack (`tests/stack`) y por el resto ("libro"), y la escribe en `_build/timing/` con el id de la
corrida (`MLOPS2_TEST_RUN`), un archivo por proceso de pytest (`make test` corre varios a la vez).
Al final, `make test` imprime la tabla de todas las invocaciones de pytest de esa corrida y,
debajo, las pruebas que fallaron (lo último que se lee en un log):

    python -m coursekit.dev.pytest_timing RUN_ID SEGUNDOS_DE_RELOJ

Con pytest-xdist las sumas superan al tiempo de reloj: son segundos de trabajo, no de espera.

Además mide la CPU de cada archivo (segundos-núcleo del proceso de pytest y de sus hijos ya
terminados: el kernel del notebook, los servidores que lanza, la compilación del libro). En una
máquina de dos núcleos llena, la CPU, no el reloj, dice qué conviene acortar. No cuentan el stack
(procesos aparte; `make test` imprime su CPU por servicio) ni Chromium (Playwright no espera a
sus procesos: en la prueba del sitio, la CPU real es varias veces la que se ve aquí).
"""

from __future__ import annotations

import json
import os
import resource
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUTPUT_DIR = ROOT / "_build" / "timing"
KINDS = ("notebooks", "pruebas")
SLOWEST = 12
_seconds: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(KINDS, 0.0))
_files: dict[str, float] = defaultdict(float)
_cpu: dict[str, float] = defaultdict(float)
_failed: list[str] = []
_cpu_mark: list[float] = []


def cpu_seconds() -> float:
    """CPU usada hasta ahora por este proceso y sus hijos ya esperados (usuario + sistema)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def area(nodeid: str) -> str:
    parts = nodeid.split("::")[0].split("/")
    if parts[0].startswith("clase"):
        return parts[0]
    if parts[0] == "tests" and len(parts) > 2:
        return parts[1]  # tests/claseN/… o tests/stack/…
    return "libro"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Anota en el informe la CPU gastada desde el informe anterior de este proceso (con xdist,
    el informe viaja al proceso principal con sus `user_properties`)."""
    outcome = yield
    now = cpu_seconds()
    spent = now - (_cpu_mark[-1] if _cpu_mark else now)
    _cpu_mark[:] = [now]
    outcome.get_result().user_properties.append(("cpu_seconds", spent))


def pytest_runtest_logreport(report) -> None:
    for key, value in report.user_properties:
        if key == "cpu_seconds":
            _cpu[report.nodeid.split("::")[0]] += value
    kind = "notebooks" if report.nodeid.split("::")[0].endswith(".ipynb") else "pruebas"
    _seconds[area(report.nodeid)][kind] += report.duration
    _files[report.nodeid.split("::")[0]] += report.duration
    if report.failed:
        _failed.append(f"{report.nodeid} ({report.when})")


def pytest_sessionfinish(session, exitstatus) -> None:
    if hasattr(session.config, "workerinput"):  # con xdist, solo el proceso principal escribe
        return
    run = os.environ.get("MLOPS2_TEST_RUN", "manual")
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    record = {
        "run": run,
        "areas": dict(_seconds),
        "files": dict(_files),
        "cpu": dict(_cpu),
        "failed": _failed,
    }
    target = OUTPUT_DIR / f"{run}-{os.getpid()}.json"
    target.write_text(json.dumps(record, indent=2, ensure_ascii=False))


def table(areas: dict[str, dict[str, float]], wall_seconds: float) -> str:
    lines = [f"{'área':10} {'notebooks':>10} {'pruebas':>10} {'total':>10}"]
    for name in sorted(areas):
        nb, tests = (areas[name][k] for k in KINDS)
        lines.append(f"{name:10} {nb:9.0f}s {tests:9.0f}s {nb + tests:9.0f}s")
    work = sum(sum(v.values()) for v in areas.values())
    lines.append(f"{'suma':10} {'':10} {'':10} {work:9.0f}s")
    lines.append(f"reloj de make test: {wall_seconds / 60:.1f} min ({wall_seconds:.0f} s)")
    return "\n".join(lines)


def main(run_id: str, wall_seconds: float) -> None:
    areas: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(KINDS, 0.0))
    files: dict[str, float] = defaultdict(float)
    cpu: dict[str, float] = defaultdict(float)
    failed: list[str] = []
    for path in sorted(OUTPUT_DIR.glob("*.json")):
        run = json.loads(path.read_text())
        if run["run"] != run_id:
            continue
        failed += run["failed"]
        for name, seconds in run.get("files", {}).items():
            files[name] += seconds
        for name, seconds in run.get("cpu", {}).items():
            cpu[name] += seconds
        for name, kinds in run["areas"].items():
            for kind, seconds in kinds.items():
                areas[name][kind] += seconds
    print("\nTiempo por clase (segundos de trabajo de pytest):")
    print(table(dict(areas), wall_seconds))
    print(f"\nLos {SLOWEST} archivos más lentos (reloj; CPU de pytest y sus hijos):")
    for name, seconds in sorted(files.items(), key=lambda item: -item[1])[:SLOWEST]:
        print(f"  {seconds:6.0f}s  CPU {cpu.get(name, 0):5.0f}s  {name}")
    total = sum(cpu.values())
    print(f"\nLos {SLOWEST} archivos con más CPU (suma de todos: {total:.0f} s-núcleo):")
    for name, seconds in sorted(cpu.items(), key=lambda item: -item[1])[:SLOWEST]:
        print(f"  CPU {seconds:5.0f}s  reloj {files.get(name, 0):5.0f}s  {name}")
    print(f"\nFallaron {len(failed)} pruebas:" if failed else "\nNinguna prueba falló.")
    for nodeid in failed:
        print(f"  ✗ {nodeid}")


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
