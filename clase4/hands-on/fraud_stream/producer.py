"""Productores de transacciones: Kafka (con clave y confirmaciones) y Redis Streams (XADD).

    python -m fraud_stream produce --topic clase4-transactions --events 3000 \
        --malformed-fraction 0.05 --seed 0 --drift-at 1500

Con `rate` (`--rate` en la CLI) se envía a una tasa fija, como un tráfico real: así se mide la
latencia de punta a punta del consumidor desde OTRO proceso (el generador de carga no comparte el
intérprete con lo que mide).
"""

from __future__ import annotations

import time

from .events import Event, stamp


def wait_turn(i: int, start: float, rate: float | None) -> None:
    """A tasa fija, el evento `i` sale en `start + i / rate` (sin tasa: de inmediato)."""
    if rate is not None:
        time.sleep(max(0.0, start + i / rate - time.perf_counter()))


def produce_kafka(
    producer, topic: str, events: list[Event], flush: bool = True, rate: float | None = None
) -> dict:
    """Envía los eventos con la tarjeta como clave y cuenta las confirmaciones (callbacks)."""
    stats = {"sent": 0, "acked": 0, "failed": 0, "errors": []}

    def on_success(metadata):
        stats["acked"] += 1

    def on_error(exc):
        stats["failed"] += 1
        stats["errors"].append(repr(exc))

    start = time.perf_counter()
    for i, event in enumerate(events):
        wait_turn(i, start, rate)
        future = producer.send(topic, key=event.key.encode(), value=stamp(event.value))
        future.add_callback(on_success)
        future.add_errback(on_error)
        stats["sent"] += 1
    if flush:
        producer.flush()  # espera todas las confirmaciones (acks) del broker
    stats["seconds"] = time.perf_counter() - start
    stats["events_per_s"] = stats["sent"] / stats["seconds"]
    return stats


def produce_redis(
    client, stream: str, events: list[Event], chunk: int = 500, rate: float | None = None
) -> dict:
    """Lo mismo sobre un Redis Stream: XADD con la clave y los bytes, en pipelines de `chunk`
    (a tasa fija, de a una entrada)."""
    chunk = 1 if rate is not None else chunk
    start = time.perf_counter()
    ids = []
    for i in range(0, len(events), chunk):
        wait_turn(i, start, rate)
        pipe = client.pipeline(transaction=False)
        for event in events[i : i + chunk]:
            pipe.xadd(stream, {"key": event.key, "value": stamp(event.value)})
        ids.extend(pipe.execute())
    seconds = time.perf_counter() - start
    return {"sent": len(ids), "seconds": seconds, "events_per_s": len(ids) / seconds}
