"""La declaración de un servicio del stack local: cómo se prepara, se arranca y se verifica.

Cada módulo de servicio (`postgres.py`, `kafka.py`, ...) define un `SERVICE = LocalService(...)`.
Las dependencias NO se declaran aquí: están en la tabla única `coursekit/stack.py`
(`depends_on`), la misma que comprueban docker compose y sus pruebas; `order.py` deriva de ella
el orden de arranque.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

from .layout import Layout


@dataclass(frozen=True, kw_only=True)
class LocalService:
    name: str  # el de la tabla de coursekit/stack.py
    start: Callable[[Layout], subprocess.Popen]  # lanza el proceso (con supervisor.spawn)
    ready: Callable[[Layout], bool]  # health check
    timeout: float  # segundos para quedar sano
    stop_signal: int = signal.SIGTERM  # la señal de apagado ordenado
    prepare: Callable[[Layout], object] | None = None  # descarga o compilación (una sola vez)
    after: Callable[[Layout], None] | None = None  # paso idempotente tras quedar sano
