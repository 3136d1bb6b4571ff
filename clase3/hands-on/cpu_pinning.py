"""Comparar en igualdad de condiciones: el cliente y los servidores en el mismo núcleo.

Para medir cuánto agrega el transporte se compara el modelo llamado en proceso con el mismo
modelo detrás de un servidor. En una máquina con varios núcleos y cargada, esa comparación tiene
un sesgo que no es del transporte: cuando el cliente queda esperando, el sistema operativo
despierta al servidor en el núcleo más libre, mientras que la predicción en proceso sigue en el
núcleo del cliente, aunque esté ocupado. El servidor puede entonces predecir más rápido que el
propio cliente, y la red parece "más rápida que en proceso", lo que es imposible.

Fijar el cliente y todos los hilos de los servidores al mismo núcleo (`sched_setaffinity`, solo
Linux) pone a las dos ramas a competir por la misma CPU. Lo que se mide es entonces el costo de
CPU del transporte en los dos extremos, sin contar la red. En otros sistemas operativos no se
fija nada y la medición queda expuesta a ese sesgo.

    with same_core([server.process.pid for server in servers]) as core:
        ...                               # medir: en proceso y por la red
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path


def supported() -> bool:
    return hasattr(os, "sched_setaffinity")


def set_affinity(pid: int, cores: set[int]) -> None:
    """Fija todos los hilos de `pid` (en Linux la afinidad es por hilo); los que se creen
    después heredan la afinidad del hilo que los crea."""
    for tid in os.listdir(Path("/proc") / str(pid) / "task"):
        with contextlib.suppress(ProcessLookupError, FileNotFoundError):  # hilo que terminó
            os.sched_setaffinity(int(tid), cores)


@contextlib.contextmanager
def same_core(pids: Iterable[int], core: int | None = None) -> Iterator[int | None]:
    """Este hilo y los procesos `pids`, todos en el núcleo `core` (por defecto, el último
    disponible) mientras dure el bloque; al salir vuelven a los núcleos de antes. Entrega el
    núcleo, o None si el sistema no permite fijarlo."""
    if not supported():
        yield None
        return
    pids = list(pids)
    before = os.sched_getaffinity(0)
    core = max(before) if core is None else core
    os.sched_setaffinity(0, {core})  # 0 = el hilo que llama: el que mide
    for pid in pids:
        set_affinity(pid, {core})
    try:
        yield core
    finally:
        os.sched_setaffinity(0, before)
        for pid in pids:
            with contextlib.suppress(FileNotFoundError):  # el proceso ya terminó
                set_affinity(pid, before)
