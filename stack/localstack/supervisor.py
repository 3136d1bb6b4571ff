"""Supervisor genérico: lanza un servicio, espera su health check y lo detiene.

No sabe nada de Kafka ni de Postgres: recibe un `LocalService` (ver `service.py`) o un nombre y
trabaja con sus archivos PID y de log (ver `layout.py` y `processes.py`).
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

import psutil

from . import processes
from .layout import Layout
from .service import LocalService
from .tools import StackError, port_open, say, stack_env


def spawn(
    layout: Layout,
    name: str,
    argv: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    user: str | None = None,
) -> subprocess.Popen:
    """Arranca `argv` en su propio grupo de procesos, con la salida al log del servicio.
    Con `user` (Postgres, si se corre como root) lo ejecuta como ese usuario."""
    if user:
        argv = ["runuser", "-u", user, "--", *argv]
    with open(layout.log_file(name), "ab") as log:
        log.write(f"\n=== {time.strftime('%F %T')} {' '.join(argv)}\n".encode())
        log.flush()
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env or stack_env(),
            cwd=cwd or layout.state,
            start_new_session=True,  # grupo propio: `down` lo detiene entero
        )
    processes.write_pid(layout, name, proc.pid)
    return proc


def wait_gone(procs: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    """Espera a que terminen; devuelve los que siguen vivos. (No se usa psutil.wait_procs: un
    zombi cuyo padre no lo recoge cuenta allí como vivo y la espera duraría todo el plazo.)"""
    deadline = time.monotonic() + timeout
    while (running := [p for p in procs if processes.process(p.pid)]) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.2)
    return running


def stop(layout: Layout, name: str, sig: int, *, timeout: float = 30.0) -> None:
    """Envía `sig` a los procesos del servicio; espera; SIGKILL a los que sigan vivos."""
    procs = processes.service_processes(layout, name)
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.send_signal(sig)
    leftovers = wait_gone(procs, timeout)
    if leftovers:
        say(f"  {name}: no terminó en {timeout:.0f} s; se fuerza (SIGKILL)")
        for proc in leftovers:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        wait_gone(leftovers, 5)
    layout.pid_file(name).unlink(missing_ok=True)


def tail(path: Path, lines: int = 15) -> str:
    try:
        content = path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return "  (sin log)"
    return "\n".join("  | " + line for line in content)


def launch(
    layout: Layout, service: LocalService, *, ports: Iterable[int] = ()
) -> subprocess.Popen | None:
    """Lanza el servicio; None si ya estaba corriendo. Si se había caído, limpia y relanza.
    Falla con un mensaje claro si otro proceso ya ocupa alguno de sus `ports`."""
    name = service.name
    pid = processes.alive(layout, name)
    if pid:
        say(f"- {name}: ya estaba corriendo (pid {pid})")
        return None
    if processes.read_pid(layout, name):
        say(f"- {name}: estaba caído; lo reinicio (log: {layout.rel(layout.log_file(name))})")
        stop(layout, name, service.stop_signal, timeout=10)
    busy = [port for port in ports if port_open(port)]
    if busy:
        raise StackError(
            f"{name}: el puerto {busy[0]} ya está ocupado por otro proceso (¿otro stack, o los "
            f"contenedores de docker compose?). Verlo con `ss -ltnp | grep :{busy[0]}` y "
            "detenerlo antes de `make stack-up`."
        )
    say(f"- {name}: arrancando...")
    return service.start(layout)


def wait_ready(layout: Layout, service: LocalService, proc: subprocess.Popen, began: float) -> None:
    """Espera el health check; si el proceso muere o no llega a tiempo, lo detiene y falla
    con el final de su log."""
    name, log = service.name, layout.log_file(service.name)
    while not service.ready(layout):
        if proc.poll() is not None:
            stop(layout, name, signal.SIGKILL, timeout=5)
            raise StackError(
                f"{name}: el proceso terminó al arrancar (código {proc.returncode}). "
                f"Log: {layout.rel(log)}\n{tail(log)}"
            )
        if time.monotonic() - began > service.timeout:
            stop(layout, name, service.stop_signal, timeout=10)
            raise StackError(
                f"{name}: no quedó sano en {service.timeout:.0f} s. "
                f"Log: {layout.rel(log)}\n{tail(log)}"
            )
        time.sleep(0.3)
    if service.after:
        service.after(layout)
    say(f"- {name}: listo en {time.monotonic() - began:.1f} s (pid {proc.pid})")
