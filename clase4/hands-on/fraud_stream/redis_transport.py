"""Transporte de Redis Streams: XREADGROUP, XACK y XAUTOCLAIM de pendientes.

`XREADGROUP ... >` entrega entradas nuevas y las anota en la **lista de pendientes** (PEL) del
consumidor hasta que este las confirme con `XACK`. Si un consumidor muere, otro (o el mismo,
reiniciado) reclama sus pendientes con `XAUTOCLAIM` cuando llevan más de `claim_idle_ms` sin
confirmarse. La búsqueda de pendientes se repite cada `claim_idle_ms`: un consumidor que arranca
justo después de la caída de otro todavía no puede reclamar sus mensajes (no llevan tanto tiempo
inactivos), pero los reclamará en la vuelta siguiente.
"""

from __future__ import annotations

import json
import time

import redis

from .admin import ensure_group
from .store import DeadLetter
from .transports import Message


class RedisStreamTransport:
    """Grupo de consumidores de Redis Streams: XREADGROUP, XACK y XAUTOCLAIM de pendientes."""

    def __init__(
        self,
        url: str,
        stream: str,
        group: str,
        consumer: str,
        results_stream: str | None = None,
        dead_letter_stream: str | None = None,
        claim_idle_ms: int = 5000,
    ):
        self.client = redis.Redis.from_url(url)
        self.stream, self.group, self.consumer = stream, group, consumer
        self.results_stream = results_stream
        self.dead_letter_stream = dead_letter_stream
        self.claim_idle_ms = claim_idle_ms
        self.claim_cursor: str | None = "0-0"  # primero, recuperar pendientes abandonados
        self.next_sweep = 0.0  # cuándo volver a recorrer la lista de pendientes
        self.in_flight: set[str] = set()  # entregados a ESTE consumidor y aún sin XACK
        self.claimed = 0
        ensure_group(self.client, stream, group)

    def ready(self) -> bool:
        return True

    def poll(self, max_messages: int, timeout_ms: int) -> list[Message]:
        if self.claim_cursor is None and time.monotonic() >= self.next_sweep:
            self.claim_cursor = "0-0"  # otra vuelta por la lista de pendientes
        if self.claim_cursor is not None:
            claimed = self._claim(max_messages)
            if claimed:
                return claimed
        response = self.client.xreadgroup(
            self.group, self.consumer, {self.stream: ">"}, count=max_messages, block=timeout_ms
        )
        return [self._message(i, f) for _, entries in response or [] for i, f in entries]

    def _claim(self, max_messages: int) -> list[Message]:
        """XAUTOCLAIM: se adueña de mensajes entregados a otro consumidor (o a una encarnación
        anterior de este) que llevan más de `claim_idle_ms` sin confirmarse."""
        cursor, entries, *_ = self.client.xautoclaim(
            self.stream,
            self.group,
            self.consumer,
            min_idle_time=self.claim_idle_ms,
            start_id=self.claim_cursor,
            count=max_messages,
        )
        cursor = cursor.decode() if isinstance(cursor, bytes) else cursor
        if cursor == "0-0":  # recorrida la lista: la próxima vuelta, pasado `claim_idle_ms`
            self.claim_cursor = None
            self.next_sweep = time.monotonic() + self.claim_idle_ms / 1000
        else:
            self.claim_cursor = cursor
        # Los borrados del stream vuelven vacíos; los que este consumidor ya tiene en curso no
        # son abandonados (solo tardaron).
        entries = [(i, f) for i, f in entries if f and i.decode() not in self.in_flight]
        self.claimed += len(entries)
        return [self._message(i, f) for i, f in entries]

    def _message(self, entry_id: bytes, fields: dict) -> Message:
        entry_id = entry_id.decode()
        self.in_flight.add(entry_id)
        return Message(f"{self.stream}:{entry_id}", fields[b"value"], entry_id)

    def publish(self, results: list[dict], dead: list[DeadLetter]) -> None:
        pipe = self.client.pipeline(transaction=False)
        if self.results_stream:
            for r in results:
                pipe.xadd(self.results_stream, {"event_id": r["event_id"], "json": json.dumps(r)})
        if self.dead_letter_stream:
            for source_id, reason, payload in dead:
                fields = {"source": source_id, "reason": reason, "payload": payload}
                pipe.xadd(self.dead_letter_stream, fields)
        pipe.execute()

    def ack(self, messages: list[Message]) -> None:
        if messages:
            self.client.xack(self.stream, self.group, *[m.ack_ref for m in messages])
            self.in_flight.difference_update(m.ack_ref for m in messages)

    def lag(self) -> int | None:
        """Entradas del stream que el grupo aún no leyó (`lag` de XINFO GROUPS, Redis ≥ 7)."""
        for info in self.client.xinfo_groups(self.stream):
            if info["name"].decode() == self.group:
                return info.get("lag")
        return None

    def close(self) -> None:
        self.client.close()
