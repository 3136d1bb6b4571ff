"""Redis: `redis-server` de la distribución, con *append only file* para no perder datos."""

from __future__ import annotations

import socket
import subprocess

from coursekit import stack as table

from .layout import Layout
from .service import LocalService
from .supervisor import spawn
from .tools import need_tool


def start(layout: Layout) -> subprocess.Popen:
    server = need_tool("redis-server", "Instalar Redis: `apt-get install redis-server`.")
    data = layout.state / "redis"
    data.mkdir(parents=True, exist_ok=True)
    argv = [server, "--bind", "127.0.0.1", "--port", str(table.address("redis")[1])]
    argv += ["--dir", str(data), "--appendonly", "yes", "--save", "", "--daemonize", "no"]
    return spawn(layout, "redis", argv)


def ready(layout: Layout) -> bool:
    """Responde PING con +PONG (el puerto abierto no alcanza: puede estar cargando el AOF)."""
    try:
        with socket.create_connection(table.address("redis"), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


SERVICE = LocalService(name="redis", start=start, ready=ready, timeout=30)
