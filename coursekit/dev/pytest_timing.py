"""Tiempo por clase de `make test`, para que las regresiones se vean.

Como plugin de pytest (lo carga el conftest.py de la raíz) suma la duración de cada prueba
(preparación + ejecución + cierre) por clase del libro (`claseN/…` y `tests/claseN/…`), por el
stack (`tests/stack`) y por el resto ("libro"), y la escribe en `_build/timing/` con el id de la
corrida (`MLOPS2_TEST_RUN`), un archivo por proceso de pytest (`make test` corre varios a la vez).
Al final, `make test` imprime la tabla de todas las invocaciones de pytest de esa corrida y,
debajo, las pruebas que fallaron (lo último que se lee en un log):

    python -m coursekit.dev.pytest_timing RUN_ID SEGUNDOS_DE_RELOJ

Con pytest-xdist las sumas superan al tiempo de reloj: son segundos de trabajo, no de espera.
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTPUT_DIR = ROOT / "_build" / "timing"
KINDS = ("notebooks", "pruebas")
SLOWEST = 12
_seconds: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(KINDS, 0.0))
_files: dict[str, float] = defaultdict(float)
_failed: list[str] = []


def area(nodeid: str) -> str:
    parts = nodeid.split("::")[0].split("/")
    if parts[0].startswith("clase"):
        return parts[0]
    if parts[0] == "tests" and len(parts) > 2:
        return parts[1]  # tests/claseN/… o tests/stack/…
    return "libro"


def pytest_runtest_logreport(report) -> None:
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
    record = {"run": run, "areas": dict(_seconds), "files": dict(_files), "failed": _failed}
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
    failed: list[str] = []
    for path in sorted(OUTPUT_DIR.glob("*.json")):
        run = json.loads(path.read_text())
        if run["run"] != run_id:
            continue
        failed += run["failed"]
        for name, seconds in run.get("files", {}).items():
            files[name] += seconds
        for name, kinds in run["areas"].items():
            for kind, seconds in kinds.items():
                areas[name][kind] += seconds
    print("\nTiempo por clase (segundos de trabajo de pytest):")
    print(table(dict(areas), wall_seconds))
    print(f"\nLos {SLOWEST} archivos más lentos:")
    for name, seconds in sorted(files.items(), key=lambda item: -item[1])[:SLOWEST]:
        print(f"  {seconds:6.0f}s  {name}")
    print(f"\nFallaron {len(failed)} pruebas:" if failed else "\nNinguna prueba falló.")
    for nodeid in failed:
        print(f"  ✗ {nodeid}")


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
