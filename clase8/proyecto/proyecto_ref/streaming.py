"""Inferencia en tiempo real: consume eventos de Kafka y publica predicciones con el campeón.

    eventos (clase8-eventos) ──► este consumidor ──► predicciones (clase8-predicciones)
                                        └──────────► descartes con motivo (clase8-dlq)

Cada evento es JSON: ``{"id": "...", "cliente": {antiguedad_meses, cargo_mensual, reclamos,
uso_datos_gb}}``. Un evento malformado no detiene nada: va a la cola de descartes con el motivo.
Semántica *al menos una vez*: el *offset* se confirma después de publicar los resultados.
Usa el mismo ``ChampionStore`` que la API: predice siempre con el campeón vigente.

    python -m proyecto_ref.streaming            # hasta Ctrl+C o SIGTERM
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import threading

import pandas as pd
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError
from pydantic import ValidationError

from proyecto_ref.config import Settings
from proyecto_ref.model_store import ChampionStore
from proyecto_ref.schemas import Customer, translate_errors

log = logging.getLogger("proyecto_ref.streaming")


def ensure_topics(settings: Settings) -> None:
    """Crea los tres temas si no existen (idempotente)."""
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        for topic in (settings.topic_events, settings.topic_predictions, settings.topic_dlq):
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        admin.close()


def handle(raw: bytes, store: ChampionStore) -> tuple[str, dict]:
    """Un evento → ("ok", predicción) o ("dlq", motivo). Nunca lanza excepción."""
    try:
        event = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "dlq", {
            "reason": "el evento no es JSON válido",
            "raw": raw[:200].decode(errors="replace"),
        }
    if not isinstance(event, dict) or "cliente" not in event:
        event_id = event.get("id") if isinstance(event, dict) else None
        return "dlq", {"id": event_id, "reason": "falta el campo 'cliente'"}
    try:
        customer = Customer.model_validate(event["cliente"])
    except ValidationError as error:
        problems = translate_errors(error.errors())
        reason = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        return "dlq", {"id": event.get("id"), "reason": reason}
    model = store.current
    if model is None:
        return "dlq", {"id": event.get("id"), "reason": "no hay modelo campeón cargado"}
    prediction = model.predict(pd.DataFrame([customer.model_dump()]))[0]
    return "ok", {"id": event.get("id"), **prediction}


def run(settings: Settings, stop: threading.Event, store: ChampionStore | None = None) -> dict:
    """Bucle del consumidor; termina cuando `stop` se activa. Devuelve los contadores."""
    ensure_topics(settings)
    store = store or ChampionStore(settings).start()
    consumer = KafkaConsumer(
        settings.topic_events,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=settings.consumer_group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    producer = KafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        value_serializer=lambda v: json.dumps(v, ensure_ascii=False).encode(),
        acks="all",
    )
    counts = {"ok": 0, "dlq": 0}
    log.info("consumidor listo: %s → %s", settings.topic_events, settings.topic_predictions)
    try:
        while not stop.is_set():
            batches = consumer.poll(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    kind, payload = handle(record.value, store)
                    topic = settings.topic_predictions if kind == "ok" else settings.topic_dlq
                    producer.send(topic, payload, key=record.key)
                    counts[kind] += 1
            if batches:
                producer.flush()
                consumer.commit()  # al menos una vez: confirmar después de publicar
    finally:
        consumer.close()
        producer.close()
        store.stop()
    log.info("consumidor detenido: %s", counts)
    return counts


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(
        description="Consumidor de Kafka con inferencia en tiempo real"
    ).parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    run(Settings.from_env(), stop)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
