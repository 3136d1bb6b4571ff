"""Qué procesos son de cada servicio: archivos PID, grupos de procesos y memoria.

Cada servicio arranca en su propio grupo de procesos (ver `supervisor.spawn`) y deja en
`.stack/run/<servicio>.pid` dos números: el PID del proceso principal (que es también el id de
su grupo) y su hora de inicio, que distingue un PID reutilizado por otro programa.
"""

from __future__ import annotations

import contextlib
import os

import psutil

from .layout import Layout


def process(pid: int) -> psutil.Process | None:
    """El proceso `pid` si existe y no es un zombi (un zombi ya terminó: solo queda su entrada)."""
    try:
        proc = psutil.Process(pid)
        return proc if proc.status() != psutil.STATUS_ZOMBIE else None
    except psutil.Error:
        return None


def write_pid(layout: Layout, name: str, pid: int) -> None:
    started = psutil.Process(pid).create_time()
    layout.pid_file(name).write_text(f"{pid} {started}\n")


def read_pid(layout: Layout, name: str) -> tuple[int, float] | None:
    """(pid, hora de inicio) guardados al lanzar el servicio; None si no hay archivo."""
    try:
        pid, started = layout.pid_file(name).read_text().split()
        return int(pid), float(started)
    except (OSError, ValueError):
        return None


def alive(layout: Layout, name: str) -> int | None:
    """PID del servicio si su proceso principal sigue vivo (y es el mismo que se lanzó)."""
    entry = read_pid(layout, name)
    proc = process(entry[0]) if entry else None
    if proc is None or abs(proc.create_time() - entry[1]) > 0.05:
        return None
    return proc.pid


def service_processes(layout: Layout, name: str) -> list[psutil.Process]:
    """Los procesos vivos del servicio: su grupo de procesos y los descendientes del principal
    (algunos, como los de Postgres, se pasan a otro grupo)."""
    entry = read_pid(layout, name)
    if entry is None:
        return []
    pgid = entry[0]
    found = {}
    for proc in psutil.process_iter():
        with contextlib.suppress(OSError, psutil.Error):
            if os.getpgid(proc.pid) == pgid and process(proc.pid):
                found[proc.pid] = proc
    if alive(layout, name):
        with contextlib.suppress(psutil.Error):
            main = psutil.Process(pgid)
            for proc in [main, *main.children(recursive=True)]:
                found[proc.pid] = proc
    return [proc for proc in found.values() if process(proc.pid)]


def rss_mb(procs: list[psutil.Process]) -> float:
    """Memoria residente (RSS) sumada, en MB."""
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
    return total / 2**20
