"""Inferencia en tiempo real por micro-lotes: consume eventos de Kafka y publica predicciones.

    eventos (clase8-events) ──► este consumidor ──► predicciones (clase8-predictions)
                                       └──────────► descartes con motivo (clase8-dlq)

Cada evento es JSON: ``{"id": "...", "customer": {tenure_months, monthly_charge, complaints,
data_usage_gb}}``. El bucle, como en la Clase 4:

1. junta un micro-lote: hasta ``max_events`` eventos o hasta que pasen ``max_wait_ms``;
2. valida cada evento; uno malformado va a la cola de descartes (DLQ) con el motivo;
3. predice todos los válidos con **una** llamada vectorizada al modelo;
4. publica predicciones y descartes, espera la confirmación de Kafka (``flush``);
5. recién entonces confirma el *offset* (*al menos una vez*: si el proceso muere antes, el lote
   se vuelve a leer y a publicar; nada se pierde).

Usa el mismo campeón que la API (``prediction.champion_watcher``). Sin campeón no consume: los
eventos esperan en Kafka.

    python -m proyecto_ref consume            # hasta Ctrl+C o SIGTERM
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time

import pandas as pd
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import TopicAlreadyExistsError
from pydantic import ValidationError

from proyecto_ref import prediction
from proyecto_ref.champion import ChampionWatcher, Served
from proyecto_ref.config import Settings
from proyecto_ref.schemas import Customer, explain

log = logging.getLogger(__name__)


class InvalidEvent(ValueError):
    """El evento no se puede procesar; `payload` es lo que va a la DLQ (id y motivo)."""

    def __init__(self, payload: dict):
        super().__init__(payload["reason"])
        self.payload = payload


def parse(raw: bytes) -> tuple[object, dict]:
    """Un evento → (id, cliente validado). Lanza InvalidEvent con el motivo si no sirve."""
    try:
        event = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        reason = "el evento no es JSON válido"
        raise InvalidEvent({"reason": reason, "raw": raw[:200].decode(errors="replace")}) from None
    event_id = event.get("id") if isinstance(event, dict) else None
    if not isinstance(event, dict) or "customer" not in event:
        raise InvalidEvent({"id": event_id, "reason": "falta el campo 'customer'"})
    try:
        customer = Customer.model_validate(event["customer"])
    except ValidationError as error:
        raise InvalidEvent({"id": event_id, "reason": explain(error)}) from None
    return event_id, customer.model_dump()


def process(records: list[ConsumerRecord], served: Served) -> tuple[list, list]:
    """Micro-lote → ([(clave, predicción)], [(clave, descarte)]); una sola llamada al modelo."""
    valid, dead = [], []
    for record in records:
        try:
            valid.append((record.key, *parse(record.value)))
        except InvalidEvent as error:
            dead.append((record.key, error.payload))
    if not valid:
        return [], dead
    rows = pd.DataFrame([customer for _, _, customer in valid])
    predictions = prediction.predict(served, rows)
    results = [
        (key, {"id": event_id, **p})
        for (key, event_id, _), p in zip(valid, predictions, strict=True)
    ]
    return results, dead


def collect(consumer: KafkaConsumer, max_events: int, max_wait_ms: int) -> list[ConsumerRecord]:
    """Junta hasta `max_events` eventos o hasta que pasen `max_wait_ms` (lo que ocurra antes)."""
    deadline = time.monotonic() + max_wait_ms / 1000
    batch: list[ConsumerRecord] = []
    while len(batch) < max_events:
        remaining_ms = int((deadline - time.monotonic()) * 1000)
        if remaining_ms <= 0:
            break
        polled = consumer.poll(timeout_ms=remaining_ms, max_records=max_events - len(batch))
        batch += [record for records in polled.values() for record in records]
    return batch


def ensure_topics(settings: Settings) -> None:
    """Crea los tres temas si no existen (idempotente)."""
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        for topic in (settings.topic_events, settings.topic_predictions, settings.topic_dlq):
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        admin.close()


def connect(settings: Settings) -> tuple[KafkaConsumer, KafkaProducer]:
    """Consumidor del grupo (confirmación manual) y productor que espera a todas las réplicas."""
    servers = settings.kafka_bootstrap_servers
    consumer = KafkaConsumer(
        bootstrap_servers=servers,
        group_id=settings.consumer_group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,  # se confirma a mano, después de publicar
    )
    consumer.subscribe([settings.topic_events])  # se une al grupo en el primer poll...
    wait_for_partitions(consumer, settings.topic_events)  # ...ya conociendo las particiones
    producer = KafkaProducer(bootstrap_servers=servers, acks="all")
    return consumer, producer


def wait_for_partitions(consumer: KafkaConsumer, topic: str, timeout_s: float = 30.0) -> None:
    """Pide los metadatos del tema hasta conocer sus particiones, antes de unirse al grupo.

    Va después de `subscribe`: el coordinador anota las particiones de los temas suscriptos cada
    vez que llegan metadatos, y el líder compara esa foto con la que usó para asignar. Si se une
    sin ella, después del primer reparto la foto cambia y el líder pide otra ronda; con
    kafka-python 3.0.12, si el `poll` vence en medio de esa ronda, su respuesta se pierde: el
    consumidor queda sin particiones y sin latidos, y el broker lo echa del grupo a los 45 s
    (visto en la prueba de punta a punta, con los logs DEBUG del coordinador).
    """
    deadline = time.monotonic() + timeout_s
    while not consumer.partitions_for_topic(topic):
        if time.monotonic() > deadline:
            raise TimeoutError(f"el tema {topic!r} no existe o no tiene particiones")
        time.sleep(0.1)


def publish(producer: KafkaProducer, settings: Settings, results: list, dead: list) -> None:
    """Predicciones y descartes a sus temas; vuelve cuando Kafka confirmó todo (flush)."""
    for topic, messages in ((settings.topic_predictions, results), (settings.topic_dlq, dead)):
        for key, payload in messages:
            producer.send(topic, json.dumps(payload, ensure_ascii=False).encode(), key=key)
    producer.flush()


def run(
    settings: Settings,
    stop: threading.Event,
    champion: ChampionWatcher | None = None,
    max_events: int = 200,
    max_wait_ms: int = 200,
) -> dict:
    """Bucle del consumidor; termina cuando `stop` se activa. Devuelve los contadores."""
    ensure_topics(settings)
    watcher = champion or prediction.champion_watcher(settings).start()
    consumer, producer = connect(settings)
    counts = {"ok": 0, "dlq": 0}
    log.info("consumidor listo: %s → %s", settings.topic_events, settings.topic_predictions)
    try:
        while not stop.is_set():
            if watcher.current is None:  # sin campeón no se consume: los eventos esperan en Kafka
                stop.wait(0.5)
                continue
            records = collect(consumer, max_events, max_wait_ms)
            if records:
                # El campeón se lee con el lote ya en la mano: si cambió mientras se esperaban
                # eventos, el lote se predice con el nuevo.
                results, dead = process(records, watcher.current)
                publish(producer, settings, results, dead)  # 1) publicado y confirmado...
                consumer.commit()  # 2) ...recién entonces se confirma la lectura
                counts["ok"], counts["dlq"] = counts["ok"] + len(results), counts["dlq"] + len(dead)
    finally:
        consumer.close()
        producer.close()
        if champion is None:  # el campeón creado aquí se detiene aquí
            watcher.stop()
    log.info("consumidor detenido: %s", counts)
    return counts
