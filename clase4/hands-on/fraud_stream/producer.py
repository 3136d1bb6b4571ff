"""Productores de transacciones: Kafka (con clave y confirmaciones) y Redis Streams (XADD).

    python -m fraud_stream produce --topic clase4-transactions --events 3000 \
        --malformed-fraction 0.05 --seed 0 --drift-at 1500
"""

from __future__ import annotations

import time

from .events import Event, stamp


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
