"""Productor de transacciones simuladas hacia Kafka (o Redis Streams).

Cada evento es un JSON con la transacción y su etiqueta (en la simulación la etiqueta viaja con
el evento para poder medir la exactitud; en la realidad llega días después, con los
contracargos). Una fracción controlada de eventos sale **mal formada** a propósito: el
consumidor debe mandarlos a la cola de mensajes muertos con el motivo. La clave de cada mensaje
es la tarjeta: todos los eventos de una tarjeta van a la misma partición y se leen en orden.

    python transactions_producer.py --bootstrap localhost:9092 --topic clase4-transactions \
        --events 3000 --malformed-fraction 0.05 --seed 0 --drift-at 1500
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass

import fraud_model
import numpy as np

# Tipos de evento mal formado que genera el productor (el consumidor debe detectar cada uno).
MALFORMED_KINDS = ("json_roto", "sin_monto", "monto_texto", "monto_negativo", "hora_invalida")


@dataclass(frozen=True)
class Event:
    """Un mensaje listo para enviar: clave, bytes y si es válido (para verificar al final)."""

    event_id: str
    key: str
    value: bytes
    valid: bool
    kind: str  # "ok" o uno de MALFORMED_KINDS


def make_events(
    n: int,
    seed: int = 0,
    malformed_fraction: float = 0.05,
    drift_at: int | None = None,
    drift_scale: float = 3.0,
    n_cards: int = 200,
) -> list[Event]:
    """`n` eventos deterministas; desde `drift_at` los montos se multiplican por `drift_scale`."""
    rng = np.random.default_rng(seed + 1000)
    drift_at = n if drift_at is None else drift_at
    before = fraud_model.simulate(drift_at, seed=seed)
    after = fraud_model.simulate(n - drift_at, seed=seed + 1, amount_scale=drift_scale)
    columns = {k: np.concatenate([before[k], after[k]]) for k in before}
    cards = rng.integers(0, n_cards, n)
    broken = rng.random(n) < malformed_fraction
    kinds = rng.integers(0, len(MALFORMED_KINDS), n)
    events = []
    for i in range(n):
        event_id = f"tx-{seed}-{i:06d}"
        record = {
            "event_id": event_id,
            "card_id": f"card-{cards[i]:04d}",
            "amount": float(columns["amount"][i]),
            "hour": int(columns["hour"][i]),
            "distance_km": float(columns["distance_km"][i]),
            "merchant_risk": float(columns["merchant_risk"][i]),
            "label": int(columns["label"][i]),
        }
        kind = MALFORMED_KINDS[kinds[i]] if broken[i] else "ok"
        if kind == "sin_monto":
            del record["amount"]
        elif kind == "monto_texto":
            record["amount"] = "mil pesos"
        elif kind == "monto_negativo":
            record["amount"] = -record["amount"]
        elif kind == "hora_invalida":
            record["hour"] = 27
        value = json.dumps(record, separators=(",", ":")).encode()
        if kind == "json_roto":
            value = value[: len(value) // 2]  # JSON cortado a la mitad
        events.append(Event(event_id, record["card_id"], value, kind == "ok", kind))
    return events


def stamp(value: bytes) -> bytes:
    """Agrega `produced_at_ms` (reloj de pared) a un JSON válido, para medir latencia de punta a
    punta; un mensaje roto se envía tal cual."""
    if not value.endswith(b"}"):
        return value
    return value[:-1] + b',"produced_at_ms":' + str(time.time_ns() // 1_000_000).encode() + b"}"


def produce_kafka(producer, topic: str, events: list[Event], flush: bool = True) -> dict:
    """Envía los eventos con la tarjeta como clave y cuenta las confirmaciones (callbacks)."""
    stats = {"sent": 0, "acked": 0, "failed": 0, "errors": []}

    def on_success(metadata):
        stats["acked"] += 1

    def on_error(exc):
        stats["failed"] += 1
        stats["errors"].append(repr(exc))

    start = time.perf_counter()
    for event in events:
        future = producer.send(topic, key=event.key.encode(), value=stamp(event.value))
        future.add_callback(on_success)
        future.add_errback(on_error)
        stats["sent"] += 1
    if flush:
        producer.flush()  # espera todas las confirmaciones (acks) del broker
    stats["seconds"] = time.perf_counter() - start
    stats["events_per_s"] = stats["sent"] / stats["seconds"]
    return stats


def produce_redis(client, stream: str, events: list[Event], chunk: int = 500) -> dict:
    """Lo mismo sobre un Redis Stream: XADD con la clave y los bytes, en pipelines de `chunk`."""
    start = time.perf_counter()
    ids = []
    for i in range(0, len(events), chunk):
        pipe = client.pipeline(transaction=False)
        for event in events[i : i + chunk]:
            pipe.xadd(stream, {"key": event.key, "value": stamp(event.value)})
        ids.extend(pipe.execute())
    seconds = time.perf_counter() - start
    return {"sent": len(ids), "seconds": seconds, "events_per_s": len(ids) / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transport", choices=["kafka", "redis"], default="kafka")
    parser.add_argument("--bootstrap", default="localhost:9092", help="servidores de Kafka")
    parser.add_argument("--topic", default="clase4-transactions", help="tema de Kafka")
    parser.add_argument("--redis-url", default="redis://localhost:6379/0")
    parser.add_argument("--stream", default="clase4:transactions", help="stream de Redis")
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--malformed-fraction", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--drift-at", type=int, default=None, help="índice donde empieza la deriva")
    args = parser.parse_args()
    if not 0 <= args.malformed_fraction <= 1:
        parser.error("--malformed-fraction debe estar entre 0 y 1")
    events = make_events(args.events, args.seed, args.malformed_fraction, args.drift_at)
    if args.transport == "kafka":
        from kafka import KafkaProducer

        producer = KafkaProducer(bootstrap_servers=args.bootstrap, acks="all", linger_ms=5)
        stats = produce_kafka(producer, args.topic, events)
        producer.close()
    else:
        import redis

        client = redis.Redis.from_url(args.redis_url)
        stats = produce_redis(client, args.stream, events)
        client.close()
    malformed = sum(not e.valid for e in events)
    summary = {k: v for k, v in stats.items() if k != "errors"}
    print(json.dumps({**summary, "malformed": malformed, "valid": len(events) - malformed}))
    if stats.get("failed"):
        raise SystemExit(f"fallaron {stats['failed']} envíos: {stats['errors'][:3]}")


if __name__ == "__main__":
    main()
