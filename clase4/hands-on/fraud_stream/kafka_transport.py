"""Transporte de Kafka: grupo de consumidores con commit manual; productor para resultados y DLQ.

Confirmar es hacer *commit* del offset **siguiente** al último procesado de cada partición, y
solo después de guardar: el consumidor tiene `enable_auto_commit=False` para que nada se
confirme solo.
"""

from __future__ import annotations

import contextlib
import json
import time

from kafka import KafkaConsumer, KafkaProducer, OffsetAndMetadata, TopicPartition, errors

from .store import DeadLetter
from .transports import Message

# Errores de commit durante un rebalanceo: otro miembro releerá el lote; no se pierde nada.
REBALANCE_ERRORS = (
    errors.CommitFailedError,
    errors.RebalanceInProgressError,
    errors.IllegalGenerationError,
    errors.UnknownMemberIdError,
)


class KafkaTransport:
    """Grupo de consumidores de Kafka con commit manual; productor para resultados y DLQ."""

    def __init__(
        self,
        bootstrap: str,
        topic: str,
        group: str,
        results_topic: str | None = None,
        dead_letter_topic: str | None = None,
        async_commit: bool = False,
    ):
        self.consumer = KafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=group,
            enable_auto_commit=False,  # se confirma a mano, DESPUÉS de guardar
            auto_offset_reset="earliest",
            session_timeout_ms=6000,  # un consumidor muerto se detecta en ~6 s
            heartbeat_interval_ms=1000,
            max_poll_records=1000,
        )
        wait_for_partitions(self.consumer, topic)
        self.consumer.subscribe([topic])
        self.producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
        self.results_topic = results_topic
        self.dead_letter_topic = dead_letter_topic
        self.failed_commits = 0
        self.async_commit = async_commit
        self.pending_commit: dict = {}

    def ready(self) -> bool:
        return bool(self.consumer.assignment())  # ya tiene particiones asignadas

    def poll(self, max_messages: int, timeout_ms: int) -> list[Message]:
        batches = self.consumer.poll(timeout_ms=timeout_ms, max_records=max_messages)
        return [
            Message(f"{r.topic}:{r.partition}:{r.offset}", r.value, r)
            for records in batches.values()
            for r in records
        ]

    def publish(self, results: list[dict], dead: list[DeadLetter]) -> None:
        sent = False
        if self.results_topic and results:
            sent = True
            for r in results:
                key, value = r["card_id"].encode(), json.dumps(r).encode()
                self.producer.send(self.results_topic, key=key, value=value)
        if self.dead_letter_topic and dead:
            sent = True
            for source_id, reason, payload in dead:
                headers = [("reason", reason.encode()), ("source", source_id.encode())]
                self.producer.send(self.dead_letter_topic, value=payload, headers=headers)
        if sent:
            self.producer.flush()  # resultados y DLQ confirmados antes de seguir

    def ack(self, messages: list[Message]) -> None:
        commit = next_offsets(messages)
        if not commit:
            return
        if self.async_commit:
            # Asíncrono: el viaje al broker se solapa con el lote siguiente. Si un commit se
            # pierde, esos mensajes se reentregan (y la escritura idempotente los absorbe).
            self.pending_commit.update(commit)
            self.consumer.commit_async(commit, callback=self._on_commit)
            return
        try:
            self.consumer.commit(commit)
        except REBALANCE_ERRORS:
            # El grupo se está rebalanceando: estas particiones pueden pasar a otro miembro,
            # que releerá el lote. No se pierde nada y, como la escritura es idempotente,
            # tampoco se duplica. Se cuenta y se sigue.
            self.failed_commits += 1

    def _on_commit(self, offsets, response) -> None:
        if isinstance(response, Exception):
            self.failed_commits += 1

    def close(self) -> None:
        if self.pending_commit:  # al salir, un último commit síncrono de lo ya guardado
            with contextlib.suppress(Exception):
                self.consumer.commit(dict(self.pending_commit))
        self.producer.close()
        self.consumer.close(autocommit=False)


def next_offsets(messages: list[Message]) -> dict[TopicPartition, OffsetAndMetadata]:
    """Por partición, el offset a confirmar: el del PRÓXIMO mensaje a leer (último + 1)."""
    offsets: dict[TopicPartition, int] = {}
    for m in messages:
        tp = TopicPartition(m.ack_ref.topic, m.ack_ref.partition)
        offsets[tp] = max(offsets.get(tp, -1), m.ack_ref.offset + 1)
    return {tp: OffsetAndMetadata(o, "", -1) for tp, o in offsets.items()}


def wait_for_partitions(consumer: KafkaConsumer, topic: str, timeout_s: float = 30.0) -> None:
    """Pide los metadatos del tema hasta conocer sus particiones.

    Así la primera asignación del grupo ya las conoce: con kafka-python 3.0.12, unirse sin ellas
    fuerza una segunda ronda que a veces no termina.
    """
    deadline = time.monotonic() + timeout_s
    while not consumer.partitions_for_topic(topic):
        if time.monotonic() > deadline:
            raise TimeoutError(f"el tema {topic!r} no existe o no tiene particiones")
        time.sleep(0.1)
