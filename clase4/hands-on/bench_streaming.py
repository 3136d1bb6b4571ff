"""Benchmark del consumidor de fraude contra el Kafka real del stack.

Mide, en la misma corrida y sobre los mismos eventos:
- rendimiento de punta a punta del consumidor (validación + inferencia + SQLite + cola de
  mensajes muertos + commit) frente a la lectura cruda con kafka-python (solo traer los
  mensajes), como cociente (objetivo ≥ 0,5); aparte, la misma cuenta publicando además cada
  resultado en un tema de Kafka (el productor de kafka-python, en Python puro, es el costo
  dominante);
- latencia de punta a punta (producido → guardado en SQLite) p50/p95/p99 con tráfico a una tasa
  fija, con micro-lotes de 100 eventos o 20 ms.

    python bench_streaming.py --output resultado.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import threading
import time
from pathlib import Path

import fraud_consumer
import fraud_model
import numpy as np
import sklearn
import stream_admin
import transactions_producer
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition

from coursekit import stack

EVENTS = 5000
REPEATS = 3
BATCH_SIZE = 1000
OFFERED_RATE = 500  # eventos/s en la prueba de latencia
LATENCY_EVENTS = 2000
TOPIC = "clase4-bench-transactions"
RESULTS = "clase4-bench-results"
DLQ = "clase4-bench-dead-letter"
LATENCY_TOPIC = "clase4-bench-latency"


def raw_consume(bootstrap: str, n: int) -> float:
    """Eventos/s leyendo el tema entero con kafka-python, sin procesar nada."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    parts = [TopicPartition(TOPIC, p) for p in sorted(consumer.partitions_for_topic(TOPIC))]
    consumer.assign(parts)
    consumer.seek_to_beginning(*parts)
    total, first, start = 0, 0, None
    while total < n:
        batches = consumer.poll(timeout_ms=1000, max_records=BATCH_SIZE)
        got = sum(len(records) for records in batches.values())
        if got and start is None:
            start, first = time.perf_counter(), got  # el reloj arranca con el primer lote
        total += got
    seconds = time.perf_counter() - start
    consumer.close()
    return (total - first) / seconds


def pipeline_consume(
    bootstrap: str, bundle: dict, group: str, db: Path, n: int, results_topic: str | None
) -> float:
    """Eventos/s del consumidor completo (grupo, validación, inferencia, SQLite, DLQ, commit)."""
    transport = fraud_consumer.KafkaTransport(
        bootstrap, TOPIC, group, results_topic, DLQ, async_commit=True
    )
    store = fraud_consumer.ResultStore(db)
    processor = fraud_consumer.FraudProcessor(bundle, store)
    while not (first := fraud_consumer.collect(transport, BATCH_SIZE, 50)):
        pass  # unión al grupo: no se mide
    processor.handle(transport, first)
    start = time.perf_counter()
    done = len(first)
    while done < n:
        batch = fraud_consumer.collect(transport, BATCH_SIZE, 50)
        processor.handle(transport, batch)
        done += len(batch)
    seconds = time.perf_counter() - start
    transport.close()
    assert store.counts()["results"] + store.counts()["dead_letters"] == n
    store.close()
    return (done - len(first)) / seconds


def latency_run(bootstrap: str, bundle: dict, db: Path) -> np.ndarray:
    """Latencias (ms) producido → guardado con el productor a OFFERED_RATE eventos/s."""
    events = transactions_producer.make_events(LATENCY_EVENTS, seed=7, malformed_fraction=0)
    transport = fraud_consumer.KafkaTransport(
        bootstrap, LATENCY_TOPIC, LATENCY_TOPIC, dead_letter_topic=DLQ
    )
    while not transport.ready():
        transport.poll(1, 100)
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=1)

    def send():
        t0 = time.perf_counter()
        for i, event in enumerate(events):
            time.sleep(max(0.0, t0 + i / OFFERED_RATE - time.perf_counter()))
            value = transactions_producer.stamp(event.value)
            producer.send(LATENCY_TOPIC, key=event.key.encode(), value=value)
        producer.flush()

    store = fraud_consumer.ResultStore(db)
    processor = fraud_consumer.FraudProcessor(bundle, store)
    sender = threading.Thread(target=send)
    sender.start()
    while store.counts()["results"] < len(events):
        processor.handle(transport, fraud_consumer.collect(transport, 100, 20))
    sender.join()
    producer.close()
    transport.close()
    rows = store.db.execute("SELECT stored_at_ms - produced_at_ms FROM results").fetchall()
    store.close()
    return np.array([r[0] for r in rows], dtype=float)


def run(output: Path) -> dict:
    stack.require("kafka")
    bootstrap = stack.env("KAFKA_BOOTSTRAP_SERVERS")
    with tempfile.TemporaryDirectory() as tmp:  # el modelo exportado, como en producción
        bundle = fraud_model.load(fraud_model.save(fraud_model.train(), Path(tmp) / "m.json"))
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    groups = [f"clase4-bench-{i}" for i in range(2 * REPEATS)] + [LATENCY_TOPIC]
    topics = {TOPIC: 3, RESULTS: 1, DLQ: 1, LATENCY_TOPIC: 1}
    stream_admin.reset_topics(admin, topics, groups=groups)
    events = transactions_producer.make_events(EVENTS, seed=0, malformed_fraction=0.02)
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    produced = transactions_producer.produce_kafka(producer, TOPIC, events)
    producer.close()
    assert produced["acked"] == EVENTS

    raw, pipeline, with_results = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(REPEATS):  # alternados, para que la carga de la máquina afecte a todos
            raw.append(raw_consume(bootstrap, EVENTS))
            db = Path(tmp) / f"b{i}.db"
            pipeline.append(pipeline_consume(bootstrap, bundle, groups[i], db, EVENTS, None))
            db = Path(tmp) / f"r{i}.db"
            group = groups[REPEATS + i]
            with_results.append(pipeline_consume(bootstrap, bundle, group, db, EVENTS, RESULTS))
        latencies = latency_run(bootstrap, bundle, Path(tmp) / "latency.db")
    stream_admin.delete_topics(admin, list(topics))
    admin.delete_groups(groups)
    admin.close()

    raw_rate, pipeline_rate = statistics.median(raw), statistics.median(pipeline)
    result = {
        "benchmark": "clase4_streaming",
        "throughput": {
            "events": EVENTS,
            "partitions": 3,
            "batch_size": BATCH_SIZE,
            "raw_kafka_python_events_per_s": round(raw_rate),
            "pipeline_events_per_s": round(pipeline_rate),
            "ratio_pipeline_to_raw": round(pipeline_rate / raw_rate, 3),
            "target_ratio": 0.5,
            "raw_samples": [round(x) for x in raw],
            "pipeline_samples": [round(x) for x in pipeline],
            "pipeline_steps": "validación JSON, inferencia por lote, INSERT OR IGNORE en SQLite "
            "(una transacción por lote), mensajes muertos al tema DLQ (flush), commit asíncrono",
            "with_results_topic_events_per_s": round(statistics.median(with_results)),
            "with_results_topic_ratio_to_raw": round(statistics.median(with_results) / raw_rate, 3),
            "with_results_topic_samples": [round(x) for x in with_results],
        },
        "latency": {
            "offered_rate_events_per_s": OFFERED_RATE,
            "events": LATENCY_EVENTS,
            "micro_batch": "100 eventos o 20 ms",
            "p50_ms": round(float(np.percentile(latencies, 50)), 1),
            "p95_ms": round(float(np.percentile(latencies, 95)), 1),
            "p99_ms": round(float(np.percentile(latencies, 99)), 1),
            "definition": "stored_at_ms (SQLite) − produced_at_ms (productor), mismo reloj",
        },
        "method": f"mediana de {REPEATS} repeticiones alternadas; el reloj arranca después del "
        "primer lote (sin la unión al grupo); Kafka del stack en localhost",
        "machine": {
            "python": platform.python_version(),
            "scikit_learn": sklearn.__version__,
            "cpus": os.cpu_count(),
        },
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("bench_streaming.json"))
    args = parser.parse_args()
    print(json.dumps(run(args.output), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
