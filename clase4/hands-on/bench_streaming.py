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

import numpy as np
import sklearn
from fraud_stream import model
from fraud_stream.admin import delete_topics, reset_topics
from fraud_stream.events import make_events, stamp
from fraud_stream.kafka_transport import KafkaTransport
from fraud_stream.loop import collect
from fraud_stream.processor import FraudProcessor
from fraud_stream.producer import produce_kafka
from fraud_stream.store import ResultStore
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
TOPICS = {TOPIC: 3, RESULTS: 1, DLQ: 1, LATENCY_TOPIC: 1}
GROUPS = [f"clase4-bench-{i}" for i in range(2 * REPEATS)] + [LATENCY_TOPIC]


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
    transport = KafkaTransport(bootstrap, TOPIC, group, results_topic, DLQ, async_commit=True)
    store = ResultStore(db)
    processor = FraudProcessor(bundle, store)
    while not (first := collect(transport, BATCH_SIZE, 50)):
        pass  # unión al grupo: no se mide
    processor.handle(transport, first)
    start = time.perf_counter()
    done = len(first)
    while done < n:
        batch = collect(transport, BATCH_SIZE, 50)
        processor.handle(transport, batch)
        done += len(batch)
    seconds = time.perf_counter() - start
    transport.close()
    assert store.counts()["results"] + store.counts()["dead_letters"] == n
    store.close()
    return (done - len(first)) / seconds


def latency_run(bootstrap: str, bundle: dict, db: Path) -> np.ndarray:
    """Latencias (ms) producido → guardado con el productor a OFFERED_RATE eventos/s."""
    events = make_events(LATENCY_EVENTS, seed=7, malformed_fraction=0)
    transport = KafkaTransport(bootstrap, LATENCY_TOPIC, LATENCY_TOPIC, dead_letter_topic=DLQ)
    while not transport.ready():
        transport.poll(1, 100)
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=1)

    def send():
        t0 = time.perf_counter()
        for i, event in enumerate(events):
            time.sleep(max(0.0, t0 + i / OFFERED_RATE - time.perf_counter()))
            value = stamp(event.value)
            producer.send(LATENCY_TOPIC, key=event.key.encode(), value=value)
        producer.flush()

    store = ResultStore(db)
    processor = FraudProcessor(bundle, store)
    sender = threading.Thread(target=send)
    sender.start()
    while store.counts()["results"] < len(events):
        processor.handle(transport, collect(transport, 100, 20))
    sender.join()
    producer.close()
    transport.close()
    rows = store.db.execute("SELECT stored_at_ms - produced_at_ms FROM results").fetchall()
    store.close()
    return np.array([r[0] for r in rows], dtype=float)


def produce_backlog(bootstrap: str) -> None:
    """Temas vacíos (y grupos borrados) y los EVENTS eventos del tema de rendimiento."""
    kafka_admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    reset_topics(kafka_admin, TOPICS, groups=GROUPS)
    kafka_admin.close()
    events = make_events(EVENTS, seed=0, malformed_fraction=0.02)
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    produced = produce_kafka(producer, TOPIC, events)
    producer.close()
    assert produced["acked"] == EVENTS


def measure(bootstrap: str, bundle: dict) -> dict[str, list[float] | np.ndarray]:
    """Los tres brazos de rendimiento, alternados, y después la prueba de latencia."""
    samples: dict = {"raw": [], "pipeline": [], "with_results": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(REPEATS):  # alternados, para que la carga de la máquina afecte a todos
            samples["raw"].append(raw_consume(bootstrap, EVENTS))
            db = Path(tmp) / f"b{i}.db"
            rate = pipeline_consume(bootstrap, bundle, GROUPS[i], db, EVENTS, None)
            samples["pipeline"].append(rate)
            db = Path(tmp) / f"r{i}.db"
            rate = pipeline_consume(bootstrap, bundle, GROUPS[REPEATS + i], db, EVENTS, RESULTS)
            samples["with_results"].append(rate)
        samples["latencies"] = latency_run(bootstrap, bundle, Path(tmp) / "latency.db")
    return samples


def throughput_summary(raw: list[float], pipeline: list[float], with_results: list[float]) -> dict:
    raw_rate, pipeline_rate = statistics.median(raw), statistics.median(pipeline)
    return {
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
    }


def latency_summary(latencies: np.ndarray) -> dict:
    return {
        "offered_rate_events_per_s": OFFERED_RATE,
        "events": LATENCY_EVENTS,
        "micro_batch": "100 eventos o 20 ms",
        "p50_ms": round(float(np.percentile(latencies, 50)), 1),
        "p95_ms": round(float(np.percentile(latencies, 95)), 1),
        "p99_ms": round(float(np.percentile(latencies, 99)), 1),
        "definition": "stored_at_ms (SQLite) − produced_at_ms (productor), mismo reloj",
    }


def run(output: Path) -> dict:
    stack.require("kafka")
    bootstrap = stack.env("KAFKA_BOOTSTRAP_SERVERS")
    with tempfile.TemporaryDirectory() as tmp:  # el modelo exportado, como en producción
        bundle = model.load(model.save(model.train(), Path(tmp) / "m.json"))
    produce_backlog(bootstrap)
    samples = measure(bootstrap, bundle)
    kafka_admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    delete_topics(kafka_admin, list(TOPICS))
    kafka_admin.delete_groups(GROUPS)
    kafka_admin.close()
    result = {
        "benchmark": "clase4_streaming",
        "throughput": throughput_summary(
            samples["raw"], samples["pipeline"], samples["with_results"]
        ),
        "latency": latency_summary(samples["latencies"]),
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
