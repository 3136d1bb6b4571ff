"""Chequeos de los servicios: puertos del stack ocupados por otros y versión del servidor MLflow."""

from __future__ import annotations

import os
import urllib.request
from importlib import metadata

import psutil

from .findings import FAIL, OK, ROOT, WARN, Finding


def check_ports(ports: dict[int, str], stack_pids: set[int] | None = None) -> list[Finding]:
    """Puertos del stack ocupados por procesos que NO son del stack."""
    stack_pids = stack_pids or set()
    owners: dict[int, str] = {}
    for conn in psutil.net_connections("tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port in ports:
            if conn.pid in stack_pids:
                continue
            try:
                owner = psutil.Process(conn.pid).name() if conn.pid else "desconocido"
            except psutil.Error:
                owner = "desconocido"
            owners[conn.laddr.port] = f"{owner} (pid {conn.pid})"
    if not owners:
        return [Finding(OK, "puertos", "puertos del stack libres (o usados por el propio stack)")]
    return [
        Finding(
            WARN,
            "puertos",
            f"El puerto {port} ({ports[port]}) está ocupado por {owner}.",
            f"Ver quién lo usa con `ss -ltnp 'sport = :{port}'` y detenerlo, o detener el "
            "stack anterior con `make stack-down` / `docker compose down`.",
        )
        for port, owner in sorted(owners.items())
    ]


def stack_pids() -> set[int]:
    """PIDs del stack local (cada servicio corre en su propio grupo de procesos, anotado en
    `.stack/run/<servicio>.pid`), para no reportar como conflicto sus propios puertos."""
    groups = set()
    for pid_file in (ROOT / ".stack").glob("**/*.pid"):
        try:
            groups.add(int(pid_file.read_text().split()[0]))
        except (ValueError, IndexError):
            continue
    pids = set()
    for proc in psutil.process_iter(["pid"]):
        try:
            if os.getpgid(proc.pid) in groups:
                pids.add(proc.pid)
        except OSError:
            continue
    return pids


def check_mlflow_server(tracking_uri: str, client_version: str | None = None) -> list[Finding]:
    if not tracking_uri.startswith("http"):
        return [
            Finding(OK, "mlflow", f"MLflow local ({tracking_uri}): no hay servidor que comparar")
        ]
    client_version = client_version or metadata.version("mlflow")
    try:
        with urllib.request.urlopen(tracking_uri.rstrip("/") + "/version", timeout=2) as response:
            server_version = response.read().decode().strip()
    except OSError:
        return [Finding(OK, "mlflow", f"servidor MLflow no disponible en {tracking_uri} (omitido)")]
    if server_version.split(".")[:2] == client_version.split(".")[:2]:
        return [Finding(OK, "mlflow", f"cliente {client_version} y servidor {server_version}")]
    return [
        Finding(
            FAIL,
            "mlflow",
            f"Cliente MLflow {client_version} y servidor {server_version}: versiones distintas "
            "causan errores como 'INVALID_PARAMETER_VALUE' o endpoints 404.",
            f"Usar la misma versión en los dos lados: fijar la imagen/servidor a {client_version} "
            "o `make env` para el cliente.",
        )
    ]
