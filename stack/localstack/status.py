"""`status`: una fila por servicio con su estado, PID, puertos, memoria y log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from coursekit import stack as table

from . import order, processes
from .layout import Layout
from .registry import LOCAL
from .service import LocalService
from .tools import busy_ports, say

FAILED_STATES = ("CAÍDO", "NO RESPONDE")
HEADER = ("SERVICIO", "ESTADO", "PID", "PUERTOS", "RSS (MB)", "LOG")


class Row(NamedTuple):
    name: str
    state: str
    pid: int | None
    ports: str
    rss_mb: float | None  # None si no corre
    log: str


def service_state(layout: Layout, service: LocalService) -> str:
    """corriendo | NO RESPONDE | CAÍDO | externo (el puerto lo ocupa otro) | detenido."""
    if processes.alive(layout, service.name):
        return "corriendo" if service.ready(layout) else "NO RESPONDE"
    if processes.read_pid(layout, service.name):
        return "CAÍDO"
    return "externo" if busy_ports(service.name) else "detenido"


def rows(layout: Layout, services: Mapping[str, LocalService]) -> list[Row]:
    """Una fila por servicio, en orden de arranque."""
    result = []
    for name in order.start_order():
        pid = processes.alive(layout, name)
        rss = processes.rss_mb(processes.service_processes(layout, name)) if pid else None
        result.append(
            Row(
                name=name,
                state=service_state(layout, services[name]),
                pid=pid,
                ports=",".join(str(port) for port in table.SERVICES[name].ports.values()),
                rss_mb=rss,
                log=layout.rel(layout.log_file(name)),
            )
        )
    return result


def render(body: list[Row]) -> list[str]:
    """La tabla en columnas alineadas, con el total de memoria al final."""
    cells = [HEADER]
    for row in body:
        rss = "-" if row.rss_mb is None else f"{row.rss_mb:.0f}"
        cells.append((row.name, row.state, str(row.pid or "-"), row.ports, rss, row.log))
    total = sum(row.rss_mb or 0.0 for row in body)
    cells.append(("total", "", "", "", f"{total:.0f}", ""))
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADER))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in cells
    ]


def status(layout: Layout, *, services: Mapping[str, LocalService] = LOCAL) -> int:
    """Imprime la tabla; sale con 1 si algún servicio que levantó se cayó o no responde."""
    body = rows(layout, services)
    for line in render(body):
        say(line)
    failed = [row.name for row in body if row.state in FAILED_STATES]
    if failed:
        say(f"\nCaídos: {', '.join(failed)}. Revisar su log y reiniciarlos con `make stack-up`.")
        return 1
    return 0
