"""Utilidades de red: puertos libres y esperas con tiempo límite."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request


def free_port(host: str = "127.0.0.1") -> int:
    """Devuelve un puerto TCP libre en `host` (el sistema operativo lo elige al pedir el 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_is_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True si algo acepta conexiones TCP en host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_port(host: str, port: int, timeout: float = 30.0, name: str = "servicio") -> None:
    """Espera hasta que host:port acepte conexiones o falla con un mensaje claro."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_is_open(host, port):
            return
        time.sleep(0.05)
    raise TimeoutError(f"{name}: {host}:{port} no aceptó conexiones en {timeout:.0f} s")


def wait_for_http(url: str, timeout: float = 30.0, name: str = "servicio") -> None:
    """Espera hasta que `url` responda 2xx a un GET o falla con un mensaje claro."""
    deadline = time.monotonic() + timeout
    last_error = "sin respuesta"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if 200 <= response.status < 300:
                    return
                last_error = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            last_error = f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(getattr(exc, "reason", exc))
        time.sleep(0.05)
    raise TimeoutError(
        f"{name}: {url} no respondió 2xx en {timeout:.0f} s (último error: {last_error})"
    )
