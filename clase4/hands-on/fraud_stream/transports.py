"""El transporte: lo único que cambia entre Kafka y Redis Streams.

Validación, inferencia y almacenamiento no saben de dónde vienen los mensajes: reciben
`Message` y hablan con un `Transport`, que solo sabe leer un lote, publicar resultados y
mensajes muertos, confirmar la lectura y decir cuánto falta leer (el *lag*). Implementaciones:
`KafkaTransport` (`kafka_transport.py`) y `RedisStreamTransport` (`redis_transport.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .store import DeadLetter


@dataclass(frozen=True)
class Message:
    source_id: str  # posición en la fuente: "tema:partición:offset" o "stream:id"
    value: bytes
    ack_ref: object  # lo que el transporte necesita para confirmar este mensaje


class Transport(Protocol):
    """Lo único que cambia entre Kafka y Redis Streams."""

    def ready(self) -> bool: ...
    def poll(self, max_messages: int, timeout_ms: int) -> list[Message]: ...
    def publish(self, results: list[dict], dead: list[DeadLetter]) -> None: ...
    def ack(self, messages: list[Message]) -> None: ...
    def lag(self) -> int | None: ...  # mensajes publicados que aún no se leyeron (None: no se sabe)
    def close(self) -> None: ...
