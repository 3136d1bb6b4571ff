"""Servidores en segundo plano para los notebooks: un hilo con uvicorn o un proceso hijo.

Ambos esperan a que el servidor esté listo (con tiempo límite y mensaje claro) y se
detienen sin dejar procesos ni puertos abiertos. Se usan como context manager o con
start()/stop().
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import psutil
import uvicorn

from coursekit.net import wait_for_http, wait_for_port


class UvicornThread:
    """Corre una app ASGI con uvicorn.Server en un hilo del kernel de Jupyter.

    El socket se abre aquí mismo (puerto 0 = lo elige el sistema operativo), así que no
    hay carrera entre "buscar un puerto libre" y "usarlo".
    """

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, log_level: str = "warning"):
        self.app = app
        self.host = host
        self.requested_port = port
        self.log_level = log_level
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None
        self.port: int | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 30.0, health_path: str | None = None) -> UvicornThread:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.requested_port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level=self.log_level, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, args=(sock,), name="uvicorn", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("uvicorn terminó antes de arrancar: revisar el log de arriba")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"uvicorn no arrancó en {timeout:.0f} s")
            time.sleep(0.02)
        if health_path is not None:
            wait_for_http(self.url + health_path, timeout=timeout, name="API")
        return self  # uvicorn cierra el socket de escucha al detenerse

    def _run(self, sock: socket.socket) -> None:
        try:
            self.server.run(sockets=[sock])
        except SystemExit:  # uvicorn sale así si falla el arranque (lifespan)
            pass
        finally:
            sock.close()

    def stop(self, timeout: float = 10.0) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout)
            if self.thread.is_alive():
                raise RuntimeError(f"uvicorn no se detuvo en {timeout:.0f} s")
        self.server = None
        self.thread = None

    def __enter__(self) -> UvicornThread:
        return self if self.server is not None else self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class BackgroundProcess:
    """Lanza un comando en su propio grupo de procesos y lo detiene junto con sus hijos.

    La salida va a un archivo de log (así el notebook no se llena de texto y, si algo
    falla, el mensaje dice dónde mirar).
    """

    def __init__(
        self,
        args: Sequence[str],
        log_path: str | os.PathLike,
        cwd: str | os.PathLike | None = None,
        env: dict[str, str] | None = None,
        name: str | None = None,
    ):
        self.args = list(args)
        self.log_path = Path(log_path)
        self.cwd = cwd
        self.env = env
        self.name = name or Path(self.args[0]).name
        self.process: subprocess.Popen | None = None

    def start(
        self,
        ready_port: tuple[str, int] | None = None,
        ready_url: str | None = None,
        timeout: float = 60.0,
    ) -> BackgroundProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")  # noqa: SIM115 - el proceso hijo lo hereda
        full_env = {**os.environ, **(self.env or {})}
        self.process = subprocess.Popen(
            self.args,
            cwd=self.cwd,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # grupo de procesos propio: stop() mata a todos sus hijos
        )
        log.close()
        try:
            if ready_port is not None:
                self._wait(lambda t: wait_for_port(*ready_port, timeout=t, name=self.name), timeout)
            if ready_url is not None:
                self._wait(lambda t: wait_for_http(ready_url, timeout=t, name=self.name), timeout)
        except Exception:
            self.stop()
            raise
        return self

    def _wait(self, waiter, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} terminó con código {self.process.returncode} antes de estar "
                    f"listo; ver el log en {self.log_path}:\n{self.log_tail()}"
                )
            try:
                waiter(min(1.0, max(0.1, deadline - time.monotonic())))
                return
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"{self.name} no estuvo listo en {timeout:.0f} s; ver {self.log_path}"
                    ) from None

    def log_tail(self, lines: int = 20) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM al grupo, espera `timeout` y, si hace falta, SIGKILL. Devuelve el código."""
        if self.process is None:
            return None
        try:  # hijos y nietos, para esperar también a que ellos terminen
            family = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            family = []
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout)
        # Los nietos que hayan quedado en el grupo también se van.
        _signal_group(self.process.pid, signal.SIGKILL)
        psutil.wait_procs(family, timeout=timeout)
        return self.process.returncode

    def __enter__(self) -> BackgroundProcess:
        return self if self.process is not None else self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
