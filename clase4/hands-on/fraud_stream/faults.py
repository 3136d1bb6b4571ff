"""Inyección de fallas, solo para demostrar la recuperación (notebook 2 y pruebas).

La falla no es una rama dentro del procesamiento: es un *hook* que se le pasa al procesador
(`FraudProcessor(after_store=...)`), que lo llama con cada lote ya guardado y **antes** de
confirmarlo, el peor momento posible. `python -m fraud_stream consume ... --crash-after N` lo
arma con `kill_after(N)`.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

from .transports import Message


def sigkill_self() -> None:
    """Muerte súbita: SIGKILL no se puede atrapar, así que no hay limpieza ni confirmación."""
    os.kill(os.getpid(), signal.SIGKILL)


def kill_after(
    n_messages: int, kill: Callable[[], None] = sigkill_self
) -> Callable[[list[Message]], None]:
    """Hook que llama a `kill` en cuanto los lotes guardados suman `n_messages` mensajes."""
    seen = 0

    def after_store(messages: list[Message]) -> None:
        nonlocal seen
        seen += len(messages)
        if seen >= n_messages:
            kill()

    return after_store
