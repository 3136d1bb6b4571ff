"""Utilidades de los servicios: mensajes, pasos de preparación y chequeos de red."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import urllib.request

from coursekit import stack as table  # la tabla única de servicios, puertos y variables


class StackError(RuntimeError):
    """Error con un mensaje para el usuario (en castellano, con la causa y la solución)."""


def say(message: str) -> None:
    print(message, flush=True)


def run(argv: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    """Ejecuta un paso de preparación; si falla, StackError con el final de su salida."""
    result = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-20:]
        raise StackError(f"Falló {what} (código {result.returncode}):\n  " + "\n  ".join(output))
    return result


def need_tool(tool: str, hint: str) -> str:
    """Ruta de `tool` en el PATH; si falta, StackError con cómo instalarlo."""
    path = shutil.which(tool)
    if not path:
        raise StackError(f"No se encuentra `{tool}` en el PATH. {hint}")
    return path


def is_root() -> bool:
    return os.geteuid() == 0


def stack_env() -> dict[str, str]:
    """Entorno de los procesos del stack: el actual más las variables de la tabla."""
    return {**os.environ, **table.environment()}


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= response.status < 300
    except OSError:
        return False


def busy_ports(name: str) -> list[int]:
    """Puertos del servicio `name` (según la tabla) que ya aceptan conexiones."""
    return [port for port in table.SERVICES[name].ports.values() if port_open(port)]
