"""El supervisor genérico del stack local, con procesos de prueba en una carpeta temporal.

No toca los servicios reales: cada prueba usa su propio `Layout` (otro `.stack/`) y lanza
pequeños procesos de Python en lugar de Kafka o Postgres.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from pathlib import Path

import psutil
import pytest

from stack.localstack import processes, supervisor
from stack.localstack.layout import Layout
from stack.localstack.service import LocalService
from stack.localstack.tools import StackError

SLEEPER = "import time; print('listo', flush=True); time.sleep(60)"
# Lanza un nieto (que debe detenerse con el grupo) y espera.
WITH_CHILD = (
    "import subprocess, sys, time;"
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
    "print('listo', flush=True); time.sleep(60)"
)
# Lo que imprimen al estar listos, al comienzo de una línea: la cabecera del log (`=== fecha
# comando`) también contiene la palabra, dentro del código.
READY_LINE = "\nlisto"
IGNORES_SIGTERM = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
    "print('listo', flush=True); time.sleep(60)"
)


@pytest.fixture
def layout(tmp_path: Path):
    """Un `.stack/` propio; al terminar (aunque la prueba falle) no deja procesos vivos."""
    (tmp_path / "stack").mkdir()
    layout = Layout(root=tmp_path, cache=tmp_path / "cache")
    layout.make_dirs()
    yield layout
    for pid_file in layout.run.glob("*.pid"):
        supervisor.stop(layout, pid_file.stem, signal.SIGKILL, timeout=5)


def python_service(name: str, code: str, *, ready=None, timeout: float = 10, after=None):
    """Un LocalService que corre `code` con este mismo Python."""
    return LocalService(
        name=name,
        start=lambda layout: supervisor.spawn(layout, name, [sys.executable, "-c", code]),
        ready=ready or (lambda layout: READY_LINE in layout.log_file(name).read_text()),
        timeout=timeout,
        after=after,
    )


def wait_for_log(layout: Layout, name: str, text: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while text not in layout.log_file(name).read_text():
        assert time.monotonic() < deadline, f"{name} no escribió {text!r} en su log"
        time.sleep(0.05)


def test_layout_from_env_reads_the_cache_and_rejects_relative_paths(tmp_path):
    layout = Layout.from_env({"MLOPS2_CACHE": str(tmp_path)})
    assert layout.cache == tmp_path and (layout.root / "stack" / "localstack").is_dir()
    assert layout.pid_file("kafka") == layout.root / ".stack" / "run" / "kafka.pid"
    assert Layout.from_env({}).cache == Path.home() / ".cache" / "mlops2"
    with pytest.raises(StackError, match="MLOPS2_CACHE=cache debe ser una ruta absoluta"):
        Layout.from_env({"MLOPS2_CACHE": "cache"})


def test_spawn_records_pid_and_log_and_stop_ends_the_whole_group(layout):
    proc = supervisor.spawn(layout, "demo", [sys.executable, "-c", WITH_CHILD])
    wait_for_log(layout, "demo", READY_LINE)
    assert layout.log_file("demo").read_text().startswith("\n=== ")
    pid, since_boot = processes.read_pid(layout, "demo")  # "pid hora arranque_de_la_máquina"
    assert pid == proc.pid == processes.alive(layout, "demo") and since_boot > 0
    family = processes.service_processes(layout, "demo")
    assert len(family) == 2 and processes.rss_mb(family) > 1
    supervisor.stop(layout, "demo", signal.SIGTERM, timeout=10)
    proc.wait(5)
    assert not [p for p in family if processes.process(p.pid)]
    assert not layout.pid_file("demo").exists() and processes.alive(layout, "demo") is None


def test_stop_escalates_to_sigkill(layout, capsys):
    proc = supervisor.spawn(layout, "stubborn", [sys.executable, "-c", IGNORES_SIGTERM])
    wait_for_log(layout, "stubborn", READY_LINE)
    supervisor.stop(layout, "stubborn", signal.SIGTERM, timeout=1)
    assert proc.wait(5) == -signal.SIGKILL
    assert "stubborn: no terminó en 1 s; se fuerza (SIGKILL)" in capsys.readouterr().out


def test_a_clock_jump_does_not_make_a_live_service_look_dead(layout):
    """Si la máquina corre su hora de arranque (NTP, VM clonada), el servicio sigue vivo."""
    me = psutil.Process()
    boot_then = psutil.boot_time() - 25  # el reloj saltó 25 s desde que se escribió el archivo
    started_then = me.create_time() - 25
    layout.pid_file("jumped").write_text(f"{me.pid} {started_then} {boot_then}\n")
    assert processes.alive(layout, "jumped") == me.pid
    layout.pid_file("jumped").unlink()


def test_a_reused_pid_is_not_taken_for_the_service(layout):
    layout.pid_file("ghost").write_text(f"{os.getpid()} 12345.0 1000.0\n")  # otro proceso
    assert processes.read_pid(layout, "ghost") == (os.getpid(), 11345.0)
    assert processes.alive(layout, "ghost") is None
    layout.pid_file("ghost").unlink()  # que la limpieza no le mande señales a pytest


def test_launch_is_a_no_op_when_running_and_restarts_after_a_crash(layout, capsys):
    service = python_service("demo", SLEEPER)
    first = supervisor.launch(layout, service)
    supervisor.wait_ready(layout, service, first, time.monotonic())
    assert supervisor.launch(layout, service) is None
    assert "demo: ya estaba corriendo" in capsys.readouterr().out
    first.kill()
    first.wait(5)
    second = supervisor.launch(layout, service)
    assert "demo: estaba caído; lo reinicio" in capsys.readouterr().out
    assert second.pid != first.pid and processes.alive(layout, "demo") == second.pid
    supervisor.stop(layout, "demo", signal.SIGTERM)
    second.wait(5)


def test_launch_refuses_a_busy_port(layout):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        with pytest.raises(StackError, match=f"el puerto {port} ya está ocupado"):
            supervisor.launch(layout, python_service("demo", SLEEPER), ports=[port])
    assert processes.read_pid(layout, "demo") is None


def test_wait_ready_runs_the_after_step_once_healthy(layout):
    calls = []
    service = python_service("demo", SLEEPER, after=lambda layout: calls.append(layout))
    proc = supervisor.launch(layout, service)
    supervisor.wait_ready(layout, service, proc, time.monotonic())
    assert calls == [layout]
    supervisor.stop(layout, "demo", signal.SIGTERM)
    proc.wait(5)


def test_a_service_that_dies_at_startup_fails_with_its_log(layout):
    code = "print('falta la configuración'); raise SystemExit(3)"
    service = python_service("broken", code, ready=lambda layout: False)
    proc = supervisor.launch(layout, service)
    with pytest.raises(StackError) as error:
        supervisor.wait_ready(layout, service, proc, time.monotonic())
    message = str(error.value)
    assert "broken: el proceso terminó al arrancar (código 3)" in message
    assert "Log: .stack/logs/broken.log" in message and "falta la configuración" in message
    assert not layout.pid_file("broken").exists()


def test_a_service_that_never_gets_healthy_is_stopped_after_its_timeout(layout):
    service = python_service("slow", SLEEPER, ready=lambda layout: False, timeout=1)
    proc = supervisor.launch(layout, service)
    began = time.monotonic()
    with pytest.raises(StackError, match="slow: no quedó sano en 1 s"):
        supervisor.wait_ready(layout, service, proc, began)
    assert proc.wait(5) is not None and time.monotonic() - began < 15
    assert not layout.pid_file("slow").exists()
