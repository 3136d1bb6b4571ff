"""Plugins de pytest para los notebooks (nbval) y para correr la suite en paralelo:

1. Higiene: al terminar cada notebook no debe quedar ningún proceso hijo suyo ni ningún puerto
   escuchando que haya abierto él.
2. Estado: cada notebook verificado se anota en _build/nbstatus/ (duración, celdas, resultado)
   DESPUÉS del chequeo de higiene: la página "Estado de los notebooks" se genera con esos datos.
3. Paralelo: `--stack-group=only` elige lo que usa el stack de servicios (puertos fijos: va en un
   solo proceso, en serie, primero las pruebas del stack) y `--stack-group=skip` todo lo demás, que
   `make test` reparte con pytest-xdist (`--dist loadfile`: cada notebook entero en un proceso).
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil
import pytest

pytest_plugins = ["coursekit.dev.pytest_timing"]  # tabla de tiempo por clase al final

ROOT = Path(__file__).resolve().parent
# `make test` levanta el stack en paralelo con las pruebas que no lo usan y escribe aquí el
# código de salida de `make stack-up` al terminar: el grupo "stack" lo espera.
STACK_UP_STATUS = "MLOPS2_STACK_UP_STATUS"
STACK_UP_TIMEOUT_S = 1800
STATUS_DIR = ROOT / "_build" / "nbstatus"
# Clases cuyas pruebas usan el stack compartido (puertos fijos: van en serie). Fuera de ellas,
# una prueba que lo usa se marca `@pytest.mark.stack`; un notebook, con `stack.require(...)`.
STACK_CHAPTERS = ("clase4", "clase5", "clase8")
# Marca heredada por el kernel de cada notebook y por todo lo que este lance (también los
# procesos que quedan huérfanos): así se distinguen de otros procesos de la máquina.
SESSION_MARK = "MLOPS2_PYTEST_SESSION"
# Con pytest-xdist cada proceso trabajador importa este archivo y tiene su propia marca.
os.environ[SESSION_MARK] = f"{os.getpid()}-{time.time()}"
_started: dict[str, float] = {}
_results: dict[str, dict] = {}


def _leftovers(since: float) -> list[str]:
    """Procesos de esta sesión de pytest creados después de `since` que siguen vivos."""
    mine = os.environ[SESSION_MARK]
    found = []
    for proc in psutil.process_iter(["pid", "create_time", "cmdline", "status"]):
        info = proc.info
        if info["create_time"] is None or info["create_time"] < since:
            continue
        if info["pid"] == os.getpid() or info["status"] == psutil.STATUS_ZOMBIE:
            continue
        try:
            if proc.environ().get(SESSION_MARK) != mine:
                continue
            ports = [c.laddr.port for c in proc.net_connections("tcp") if c.status == "LISTEN"]
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        cmd = " ".join(info["cmdline"] or [])[:120]
        found.append(f"pid {info['pid']} ({cmd}) puertos={ports}")
    return found


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if not path.endswith(".ipynb"):
        return
    result = _results.setdefault(path, {"passed": 0, "failed": 0, "skipped": 0, "seconds": 0.0})
    result["seconds"] += report.duration
    if report.when == "call" or report.outcome != "passed":
        result[report.outcome] += 1


def _record_status(path: str, leftovers: list[str]) -> None:
    """Anota el resultado del notebook (un archivo por notebook: sin carreras en paralelo)."""
    result = _results.get(path)
    if result is None:
        return
    status = {
        **result,
        "seconds": round(result["seconds"], 1),
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "in_ci": os.environ.get("CI") == "true",
        "leftovers": leftovers,
        "ok": result["failed"] == 0 and result["passed"] > 0 and not leftovers,
    }
    STATUS_DIR.mkdir(parents=True, exist_ok=True)
    target = STATUS_DIR / (path.replace("/", "__") + ".json")
    # Atómico (temporal + rename): el libro puede estar leyendo esta carpeta en ese momento.
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps({path: status}, indent=2, ensure_ascii=False, sort_keys=True))
    os.replace(partial, target)


def _wait_for_stack_up() -> None:
    """Espera a que termine el `make stack-up` lanzado en paralelo (si lo hay) y verifica."""
    status_path = os.environ.get(STACK_UP_STATUS)
    if not status_path:
        return
    status = Path(status_path)
    deadline = time.monotonic() + STACK_UP_TIMEOUT_S
    while not status.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"make stack-up no terminó en {STACK_UP_TIMEOUT_S} s")
        time.sleep(1)
    if status.read_text().strip() != "0":
        log = status.with_suffix(".log")
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:]) if log.exists() else ""
        pytest.fail(f"make stack-up falló; ver {log}:\n{tail}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    if needs_stack(item):
        _wait_for_stack_up()
    path = str(item.path)
    if path.endswith(".ipynb") and path not in _started:
        _started[path] = time.time() - 1
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    path = str(item.path)
    last_cell_of_notebook = nextitem is None or str(nextitem.path) != path
    if path.endswith(".ipynb") and last_cell_of_notebook:
        # nbval apaga el kernel al terminar el archivo; damos un instante a que salga.
        deadline = time.time() + 10
        leftovers = _leftovers(_started[path])
        while leftovers and time.time() < deadline:
            time.sleep(0.2)
            leftovers = _leftovers(_started[path])
        _record_status(item.nodeid.split("::")[0], leftovers)
        if leftovers:
            pytest.fail(
                f"{item.path.name} dejó procesos o puertos abiertos:\n" + "\n".join(leftovers)
            )


def needs_stack(item) -> bool:
    """El notebook llama a `stack.require(...)`, o la prueba está marcada `stack` o vive en una
    carpeta de pruebas de una clase que usa el stack."""
    rel = item.path.relative_to(ROOT)
    if rel.suffix == ".ipynb":
        return _notebook_needs_stack(item.path)
    chapter = rel.parts[1] if rel.parts[0] == "tests" and len(rel.parts) > 2 else ""
    return chapter in (*STACK_CHAPTERS, "stack") or item.get_closest_marker("stack") is not None


_stack_notebooks: dict[Path, bool] = {}


def _notebook_needs_stack(path: Path) -> bool:
    if path not in _stack_notebooks:
        _stack_notebooks[path] = "stack.require(" in path.read_text(encoding="utf-8")
    return _stack_notebooks[path]


def pytest_addoption(parser):
    parser.addoption(
        "--stack-group",
        choices=("all", "only", "skip"),
        default="all",
        help="all: todo; only: solo lo que usa el stack; skip: todo lo demás (make test corre "
        "ambos a la vez: el stack en un proceso, en serie; el resto repartido con pytest-xdist)",
    )


def pytest_collection_modifyitems(config, items):
    choice = config.getoption("--stack-group")
    if choice != "all":
        keep = [it for it in items if needs_stack(it) == (choice == "only")]
        config.hook.pytest_deselected(items=[it for it in items if it not in keep])
        items[:] = keep
    # Las pruebas del stack primero (con el stack recién levantado; una reinicia Kafka).
    items.sort(key=lambda it: 0 if it.path.relative_to(ROOT).parts[:2] == ("tests", "stack") else 1)
