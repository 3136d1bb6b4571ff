"""El bucle del consumidor: arma micro-lotes y los procesa hasta que se le pide parar.

El micro-lote es la perilla que intercambia latencia por rendimiento: se junta hasta
`batch_size` mensajes o hasta que pasen `max_wait_ms`, lo que ocurra primero.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from dataclasses import dataclass

from .processor import FraudProcessor
from .store import DeadLetter
from .transports import Message, Transport


@dataclass(frozen=True)
class Batch:
    """Un lote ya procesado: lo que recibe `on_batch` (métricas, monitor de deriva)."""

    messages: int  # mensajes leídos (válidos y mal formados)
    results: list[dict]  # un resultado por evento válido
    dead: list[DeadLetter]  # los mal formados, con su motivo
    seconds: float  # validar + inferir + publicar + guardar + confirmar


def collect(transport: Transport, batch_size: int, max_wait_ms: int) -> list[Message]:
    """Micro-lote: junta hasta `batch_size` mensajes o hasta que pasen `max_wait_ms`."""
    deadline = time.monotonic() + max_wait_ms / 1000
    batch: list[Message] = []
    while len(batch) < batch_size:
        remaining_ms = int((deadline - time.monotonic()) * 1000)
        if remaining_ms <= 0 and batch:
            break
        batch += transport.poll(batch_size - len(batch), max(remaining_ms, 1))
        if time.monotonic() >= deadline:
            break
    return batch


def stop_on_signals() -> list[bool]:
    """Lista que se llena al recibir SIGTERM o SIGINT: el bucle termina el lote y sale."""
    stopping: list[bool] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.append(True))
    return stopping


def run(
    transport: Transport,
    processor: FraudProcessor,
    batch_size: int = 200,
    max_wait_ms: int = 50,
    stop_after_idle_s: float | None = None,
    max_messages: int | None = None,
    on_batch: Callable[[Batch], None] | None = None,
) -> dict:
    """Bucle principal. Termina tras `stop_after_idle_s` sin mensajes, al llegar a
    `max_messages` o con SIGTERM/SIGINT (terminando antes el lote en curso)."""
    # Servicio de larga vida (sin plazo de ocio): se detiene con una señal.
    stopping = stop_on_signals() if stop_after_idle_s is None else []
    last_message = time.monotonic()
    seen = 0
    while not stopping:
        messages = collect(transport, batch_size, max_wait_ms)
        if messages or not transport.ready():  # Kafka uniéndose al grupo: no cuenta como ocio
            last_message = time.monotonic()
        if messages:
            start = time.perf_counter()
            results, dead = processor.handle(transport, messages)
            seen += len(messages)
            if on_batch is not None:
                on_batch(Batch(len(messages), results, dead, time.perf_counter() - start))
            if max_messages is not None and seen >= max_messages:
                break
        elif stop_after_idle_s is not None and time.monotonic() - last_message > stop_after_idle_s:
            break
    return dict(processor.stats)
