"""Benchmark del consumidor de fraude contra el Kafka real del stack.

Mide en la misma corrida, sobre los mismos eventos y con brazos intercalados (`coursekit.measure`:
calentamiento, mediana con p25–p75 e intervalo de la mediana):
- «lectura cruda»: leer el tema entero con kafka-python sin procesar nada (el techo);
- «consumidor completo»: validación, inferencia por lote, SQLite (una transacción idempotente por
  lote), mensajes muertos al tema DLQ y *commit* asíncrono;
- (modo completo) «+ tema de resultados»: además publica cada resultado en un tema de Kafka (el
  productor de kafka-python, en Python puro, es el costo dominante).
Antes de publicar se verifican los invariantes: ningún brazo más rápido que la lectura cruda y
cuentas exactas en cada repetición. Objetivo: consumidor completo ≥ 0,5 × la tasa de lectura cruda.
El modo completo mide además la latencia de punta a punta (producido → guardado) p50/p95/p99 con
tráfico a tasa fija generado por OTRO proceso (`python -m fraud_stream produce --rate`).

    python bench_streaming.py --quick              # segundos: verifica el objetivo (make test)
    python bench_streaming.py --output r.json      # completo, con latencia
"""

from __future__ import annotations

import contextlib
import itertools
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
from fraud_stream import model
from fraud_stream.admin import delete_groups, delete_topics, ensure_topics
from fraud_stream.events import make_events
from fraud_stream.kafka_transport import KafkaTransport
from fraud_stream.loop import collect
from fraud_stream.processor import FraudProcessor
from fraud_stream.producer import produce_kafka
from fraud_stream.store import ResultStore
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition

from coursekit import benchmark, measure, stack

HERE = Path(__file__).resolve().parent
MODES = {  # --quick → eventos, repeticiones, calentamiento
    True: {"events": 3000, "repeats": 7, "warmup": 1},
    False: {"events": 5000, "repeats": 11, "warmup": 2},
}
BATCH = 1000
RAW, FULL, WITH_RESULTS = "lectura cruda", "consumidor completo", "+ tema de resultados"
TARGET = 0.5  # consumidor completo ≥ 0,5 × lectura cruda
LATENCY_EVENTS, OFFERED_RATE = 2000, 500  # eventos/s del productor en la prueba de latencia
# Al llegar al final del tema, el consumidor pide más y el broker retiene ese pedido hasta
# `fetch_max_wait_ms` (500 ms por defecto) esperando datos nuevos. Al volver al principio en la
# repetición siguiente, ese pedido retenido sumaría hasta 500 ms de espera a cualquier brazo, y en
# la prueba de latencia se sumaría a la de un consumidor al día: todos usan la misma espera corta
# (como el notebook 2).
CONSUMER_OPTIONS = {"fetch_max_wait_ms": 10}


def raw_reader(bootstrap: str, topic: str, n: int) -> tuple[Callable[[], int], KafkaConsumer]:
    """Brazo «lectura cruda»: vuelve al principio del tema y trae los `n` mensajes."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, **CONSUMER_OPTIONS
    )
    parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
    consumer.assign(parts)

    def read_all() -> int:
        consumer.seek_to_beginning(*parts)
        total = 0
        while total < n:
            total += sum(len(r) for r in consumer.poll(timeout_ms=1000, max_records=BATCH).values())
        assert total == n, f"{RAW}: {total} mensajes, se esperaban {n}"
        return total

    return read_all, consumer


def full_consumer(
    bootstrap: str, topics: dict, group: str, bundle: dict, tmp: Path, results: str | None = None
) -> tuple[Callable[[], int], KafkaTransport]:
    """Brazo «consumidor completo»: el mismo código que `python -m fraud_stream consume kafka`,
    unido al grupo una sola vez (fuera de la medición); cada repetición vuelve al principio del
    tema y guarda en una base nueva."""
    transport = KafkaTransport(
        bootstrap,
        topics["source"],
        group,
        results,
        topics["dlq"],
        async_commit=True,
        consumer_options=CONSUMER_OPTIONS,
    )
    while not transport.ready():
        transport.poll(1, 100)
    runs, n = itertools.count(), topics["events"]

    def consume_all() -> int:
        for tp in transport.consumer.assignment():
            transport.consumer.seek_to_beginning(tp)
        store = ResultStore(tmp / f"{group}-{next(runs)}.db")
        processor = FraudProcessor(bundle, store)
        while processor.stats["processed"] < n:
            processor.handle(transport, collect(transport, BATCH, 50))
        counts = store.counts()
        store.close()
        stored = counts["results"] + counts["dead_letters"]
        assert processor.stats["processed"] == stored == n, f"{group}: {stored} de {n} guardados"
        return n

    return consume_all, transport


def throughput(bootstrap: str, topics: dict, bundle: dict, quick: bool) -> measure.Results:
    """Los brazos intercalados; los clientes se cierran pase lo que pase."""
    mode = MODES[quick]
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack_:
        read_all, reader = raw_reader(bootstrap, topics["source"], topics["events"])
        stack_.callback(reader.close)
        arms = {RAW: read_all}
        arms[FULL], transport = full_consumer(bootstrap, topics, topics["group"], bundle, Path(tmp))
        stack_.callback(transport.close)
        if not quick:
            group = topics["group"] + "-r"
            arms[WITH_RESULTS], closer = full_consumer(
                bootstrap, topics, group, bundle, Path(tmp), topics["results"]
            )
            stack_.callback(closer.close)
        return measure.compare(
            arms,
            repeats=mode["repeats"],
            warmup=mode["warmup"],
            invariants=[measure.not_faster_than(RAW)],
        )


def latency(bootstrap: str, topics: dict, bundle: dict) -> np.ndarray:
    """Latencias (ms) producido → guardado, con el productor a tasa fija en otro proceso."""
    topic = topics["latency"]
    transport = KafkaTransport(bootstrap, topic, topic, consumer_options=CONSUMER_OPTIONS)
    while not transport.ready():  # unido al grupo antes de que llegue el tráfico
        transport.poll(1, 100)
    command = [sys.executable, "-m", "fraud_stream", "produce", "--bootstrap", bootstrap,
               "--topic", topic, "--events", str(LATENCY_EVENTS), "--malformed-fraction", "0",
               "--seed", "7", "--rate", str(OFFERED_RATE)]  # fmt: skip
    producer = subprocess.Popen(command, cwd=HERE, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        store = ResultStore(Path(tmp) / "latency.db")
        try:
            deadline = time.monotonic() + 120
            processor = FraudProcessor(bundle, store)
            while store.counts()["results"] < LATENCY_EVENTS:
                assert time.monotonic() < deadline, "la prueba de latencia no terminó en 120 s"
                processor.handle(transport, collect(transport, 100, 20))
            assert producer.wait(timeout=60) == 0, "el productor falló"
            rows = store.db.execute("SELECT stored_at_ms - produced_at_ms FROM results")
            return np.array([r[0] for r in rows], dtype=float)
        finally:
            producer.kill()
            producer.wait()
            store.close()
            transport.close()


def prepare(bootstrap: str, quick: bool) -> dict:
    """Temas propios de esta corrida (nombre único: otra corrida no interfiere) y el backlog."""
    run = uuid.uuid4().hex[:8]
    topics = {
        "source": f"clase4-bench-{run}",
        "dlq": f"clase4-bench-{run}-dlq",
        "results": f"clase4-bench-{run}-results",
        "latency": f"clase4-bench-{run}-latency",
        "group": f"clase4-bench-{run}",
        "events": MODES[quick]["events"],
    }
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    ensure_topics(admin, {topics["source"]: 3, topics["dlq"]: 1, topics["results"]: 1})
    ensure_topics(admin, {topics["latency"]: 1})
    admin.close()
    events = make_events(topics["events"], seed=0, malformed_fraction=0.02)
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    sent = produce_kafka(producer, topics["source"], events)
    producer.close()
    assert sent["acked"] == len(events), sent["errors"][:3]
    return topics


def cleanup(bootstrap: str, topics: dict) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    groups = [topics["group"], topics["group"] + "-r", topics["latency"]]
    with contextlib.suppress(Exception):  # un grupo que nunca existió no es un error
        delete_groups(admin, groups)
    delete_topics(admin, [topics[k] for k in ("source", "dlq", "results", "latency")])
    admin.close()


def record_throughput(report: benchmark.Report, results: measure.Results, n: int) -> float:
    report.add_comparison("rendimiento_segundos_por_pasada", results)
    report.add(
        "rendimiento_eventos_por_s",
        {
            name: {"p50": n / s.p50, "p25": n / s.p75, "p75": n / s.p25}
            for name, s in results.items()
        },
    )
    print(measure.table(results))
    for name, s in results.items():
        print(f"{name}: {n / s.p50:,.0f} eventos/s (p25–p75 {n / s.p75:,.0f}–{n / s.p25:,.0f})")
    return results[RAW].p50 / results[FULL].p50  # cociente de tasas = inverso de tiempos


def record_latency(report: benchmark.Report, ms: np.ndarray) -> None:
    p50, p95, p99 = (float(np.percentile(ms, q)) for q in (50, 95, 99))
    assert len(ms) == LATENCY_EVENTS and 0 <= p50 <= p95 <= p99, (len(ms), p50, p95, p99)
    summary = {"tasa_ofrecida_eventos_por_s": OFFERED_RATE, "eventos": len(ms)}
    report.add(
        "latencia_ms", summary | {"micro_lote": "100 o 20 ms", "p50": p50, "p95": p95, "p99": p99}
    )
    print(f"latencia a {OFFERED_RATE} eventos/s: p50 {p50:.0f} ms, p95 {p95:.0f}, p99 {p99:.0f}")


def main(argv: list[str] | None = None) -> int:
    args = benchmark.parse_args(__doc__, argv)
    stack.require("kafka")
    bootstrap = stack.env("KAFKA_BOOTSTRAP_SERVERS")
    with tempfile.TemporaryDirectory() as tmp:  # el modelo exportado, como en producción
        bundle = model.load(model.save(model.train(), Path(tmp) / "m.json"))
    report = benchmark.Report("clase4_streaming", quick=args.quick)
    topics = prepare(bootstrap, args.quick)
    try:
        results = throughput(bootstrap, topics, bundle, args.quick)
        ratio = record_throughput(report, results, topics["events"])
        report.check_target("consumidor_completo_vs_lectura_cruda", ratio, minimum=TARGET)
        if not args.quick:
            record_latency(report, latency(bootstrap, topics, bundle))
    finally:
        cleanup(bootstrap, topics)
    return report.finish(args.output)


if __name__ == "__main__":
    sys.exit(main())
