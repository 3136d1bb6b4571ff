"""Transporte de Kafka: grupo de consumidores con commit manual; productor para resultados y DLQ.

Confirmar es hacer *commit* del offset **siguiente** al último procesado de cada partición, y
solo después de guardar y de que el broker haya confirmado los resultados y mensajes muertos
publicados: el consumidor tiene `enable_auto_commit=False` para que nada se confirme solo.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Mapping

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
        consumer_options: Mapping[str, object] | None = None,
    ):
        options = {
            "enable_auto_commit": False,  # se confirma a mano, DESPUÉS de guardar
            "auto_offset_reset": "earliest",
            "session_timeout_ms": 6000,  # un consumidor muerto se detecta en ~6 s
            "heartbeat_interval_ms": 1000,
            "max_poll_records": 1000,
            **(consumer_options or {}),  # p. ej., el benchmark acorta fetch_max_wait_ms
        }
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, **options)
        self.consumer.subscribe([topic])  # se une al grupo en el primer poll...
        wait_for_partitions(self.consumer, topic)  # ...ya conociendo las particiones
        self.producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
        self.results_topic = results_topic
        self.dead_letter_topic = dead_letter_topic
        self.sent: list = []  # envíos al broker todavía sin confirmar (futures)
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
        """Envía resultados y mensajes muertos sin esperar: el broker los confirma mientras el
        procesador guarda el lote en SQLite. `ack` espera esas confirmaciones antes del commit."""
        if self.results_topic:
            for r in results:
                key, value = r["card_id"].encode(), json.dumps(r).encode()
                self.sent.append(self.producer.send(self.results_topic, key=key, value=value))
        if self.dead_letter_topic:
            for source_id, reason, payload in dead:
                headers = [("reason", reason.encode()), ("source", source_id.encode())]
                future = self.producer.send(self.dead_letter_topic, value=payload, headers=headers)
                self.sent.append(future)

    def wait_published(self) -> None:
        """Espera que el broker confirme todo lo publicado; si algo falló, NO se confirma la
        lectura (el lote se reentregará) y se avisa con el motivo."""
        if not self.sent:
            return
        self.producer.flush()
        failed = [f.exception for f in self.sent if f.failed()]
        self.sent.clear()
        if failed:
            raise RuntimeError(f"no se pudieron publicar {len(failed)} mensajes: {failed[0]!r}")

    def ack(self, messages: list[Message]) -> None:
        self.wait_published()  # resultados y DLQ confirmados por el broker, recién entonces commit
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

    def lag(self) -> int | None:
        """Mensajes publicados que este consumidor aún no leyó, sumados sobre sus particiones.

        Usa lo que el cliente ya sabe, sin viajes al broker: la marca de agua alta (*high
        watermark*) que llegó con la última lectura, menos la posición de lectura.
        """
        partitions = list(self.consumer.assignment())
        highs = [self.consumer.highwater(tp) for tp in partitions]
        if not partitions or None in highs:
            return None  # sin particiones o sin ninguna lectura todavía
        positions = [self.consumer.position(tp) for tp in partitions]
        return sum(max(high - pos, 0) for high, pos in zip(highs, positions, strict=True))

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
    """Pide los metadatos del tema hasta conocer sus particiones (después de `subscribe`).

    El coordinador anota las particiones de los temas suscriptos cada vez que llegan metadatos y
    el líder compara esa foto con la que usó para asignar: si el consumidor se une sin ella, la
    foto cambia después del primer reparto y el líder pide otra ronda. Con kafka-python 3.0.12,
    si el `poll` vence en medio de esa ronda su respuesta se pierde: el consumidor queda sin
    particiones ni latidos hasta que el broker lo echa del grupo.
    """
    deadline = time.monotonic() + timeout_s
    while not consumer.partitions_for_topic(topic):
        if time.monotonic() > deadline:
            raise TimeoutError(f"el tema {topic!r} no existe o no tiene particiones")
        time.sleep(0.1)
