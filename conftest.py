"""Higiene de los notebooks bajo pytest/nbval: al terminar cada notebook no debe quedar
ningún proceso hijo suyo ni ningún puerto escuchando que haya abierto él."""

from __future__ import annotations

import time

import psutil
import pytest

_started: dict[str, float] = {}


def _leftovers(since: float) -> list[str]:
    """Procesos huérfanos o descendientes creados después de `since`, y sus puertos."""
    me = psutil.Process()
    descendants = {p.pid for p in me.children(recursive=True)}
    found = []
    for proc in psutil.process_iter(["pid", "ppid", "create_time", "cmdline"]):
        info = proc.info
        if info["create_time"] is None or info["create_time"] < since:
            continue
        if info["pid"] in descendants or info["ppid"] == 1:
            try:
                ports = [c.laddr.port for c in proc.net_connections("tcp") if c.status == "LISTEN"]
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            cmd = " ".join(info["cmdline"] or [])[:120]
            found.append(f"pid {info['pid']} ({cmd}) puertos={ports}")
    return found


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
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
        if leftovers:
            pytest.fail(
                f"{item.path.name} dejó procesos o puertos abiertos:\n" + "\n".join(leftovers)
            )
