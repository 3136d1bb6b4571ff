"""Qué procesos son de cada servicio: archivos PID, grupos de procesos y memoria.

Cada servicio arranca en su propio grupo de procesos (ver `supervisor.spawn`) y deja en
`.stack/run/<servicio>.pid` el PID del proceso principal (que es también el id de su grupo), su
hora de inicio, que distingue un PID reutilizado por otro programa, y la hora de arranque de la
máquina en ese momento: se compara el inicio *relativo al arranque*, que no cambia si el reloj
de la máquina se corrige (NTP, o una máquina virtual clonada, que corre su hora de arranque).
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
    layout.pid_file(name).write_text(f"{pid} {started} {psutil.boot_time()}\n")


def read_pid(layout: Layout, name: str) -> tuple[int, float] | None:
    """(pid, segundos desde el arranque de la máquina hasta su inicio); None si no hay archivo.

    Los archivos viejos (sin la hora de arranque) se leen con la hora de arranque actual."""
    try:
        fields = layout.pid_file(name).read_text().split()
        pid, started = int(fields[0]), float(fields[1])
        boot = float(fields[2]) if len(fields) > 2 else psutil.boot_time()
        return pid, started - boot
    except (OSError, ValueError, IndexError):
        return None


def alive(layout: Layout, name: str) -> int | None:
    """PID del servicio si su proceso principal sigue vivo (y es el mismo que se lanzó)."""
    entry = read_pid(layout, name)
    proc = process(entry[0]) if entry else None
    if proc is None or abs(proc.create_time() - psutil.boot_time() - entry[1]) > 0.05:
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


def cpu_seconds(procs: list[psutil.Process]) -> float:
    """CPU usada (usuario + sistema), sumada, incluidos los hijos ya terminados de cada proceso
    (por ejemplo, las tareas que Airflow lanza y espera)."""
    total = 0.0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            times = proc.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
    return total
