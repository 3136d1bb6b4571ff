"""Integración contra el Kafka y el Redis reales del stack: matar al consumidor a mitad del flujo,
reiniciarlo y comprobar cero perdidos, cero duplicados y todos los mal formados en la DLQ."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import sys
import uuid
from pathlib import Path

import pytest
from fraud_stream.admin import delete_topics, ensure_topics
from fraud_stream.events import make_events
from fraud_stream.lag import consumer_lag
from fraud_stream.producer import produce_kafka, produce_redis

from coursekit import BackgroundProcess, stack

pytestmark = [
    pytest.mark.stack,
    pytest.mark.filterwarnings("ignore:(read|open)_text is deprecated:DeprecationWarning"),
]
N_EVENTS = 1500
HANDS_ON = Path(__file__).resolve().parents[2] / "clase4" / "hands-on"


def event_id_of(payload: bytes) -> str:
    return re.search(rb"tx-\d+-\d{6}", payload).group().decode()


def table(db, sql):
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute(sql)]


def stored(db) -> int:
    try:
        return len(table(db, "SELECT event_id FROM results"))
    except sqlite3.OperationalError:  # la tabla todavía no existe
        return 0


@pytest.fixture
def events():
    return make_events(N_EVENTS, seed=2, malformed_fraction=0.05)


def consumer(args, log, name):
    return BackgroundProcess(
        [sys.executable, "-m", "fraud_stream", "consume", *args], log, cwd=HANDS_ON, name=name
    )


def test_kafka_kill_and_restart_loses_nothing_and_duplicates_nothing(events, model_path, tmp_path):
    """El hook `after_store` mata al consumidor con el lote guardado y SIN confirmar: el reinicio
    debe volver a entregar exactamente ese lote (visto dos veces, guardado una)."""
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition

    stack.require("kafka")
    bootstrap = stack.env("KAFKA_BOOTSTRAP_SERVERS")
    run = uuid.uuid4().hex[:8]
    topic, dlq, group = f"clase4-test-{run}", f"clase4-test-{run}-dlq", f"clase4-test-{run}"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    ensure_topics(admin, {topic: 3, dlq: 1})
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    assert produce_kafka(producer, topic, events)["acked"] == N_EVENTS
    producer.close()
    db = tmp_path / "kafka.db"
    args = ["kafka", "--bootstrap", bootstrap, "--topic", topic, "--group", group,
            "--dead-letter-topic", dlq, "--db", str(db), "--model", str(model_path),
            "--batch-size", "20"]  # fmt: skip
    first = consumer([*args, "--crash-after", "300"], tmp_path / "c1.log", "consumidor 1")
    second = consumer([*args, "--stop-after-idle", "2"], tmp_path / "c2.log", "consumidor 2")
    try:
        first.start()
        assert first.process.wait(timeout=120) == -signal.SIGKILL, first.log_tail()
        stored_at_kill = stored(db) + len(table(db, "SELECT source_id FROM dead_letters"))
        committed = N_EVENTS - sum(consumer_lag(bootstrap, group, topic).values())
        in_flight = stored_at_kill - committed  # el lote en curso: guardado y sin confirmar
        assert 300 <= stored_at_kill < 320 and 0 < in_flight <= 20
        second.start()
        assert second.process.wait(timeout=120) == 0, second.log_tail()
        summary = json.loads(second.log_tail(1))
    finally:
        first.stop()
        second.stop()

    assert summary["status"] == "done"
    assert summary["processed"] == N_EVENTS - committed  # sigue desde el último commit
    assert summary["replayed"] == in_flight  # el lote en curso, visto dos veces...
    assert summary["inserted"] == N_EVENTS - stored_at_kill  # ...y guardado una
    valid = {e.event_id for e in events if e.valid}
    malformed = {e.event_id for e in events if not e.valid}
    ids = table(db, "SELECT event_id FROM results")
    assert len(ids) == len(set(ids)) == len(valid) and set(ids) == valid  # 0 perdidos, 0 dup.
    dead = [event_id_of(p) for p in table(db, "SELECT payload FROM dead_letters")]
    assert sorted(dead) == sorted(malformed)

    reader = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    tp = TopicPartition(dlq, 0)
    reader.assign([tp])
    reader.seek_to_beginning(tp)
    end = reader.end_offsets([tp])[tp]
    in_dlq = []
    while reader.position(tp) < end:
        for records in reader.poll(timeout_ms=1000).values():
            in_dlq += [(event_id_of(r.value), dict(r.headers)["reason"]) for r in records]
    reader.close()
    assert {i for i, _ in in_dlq} == malformed and all(reason for _, reason in in_dlq)
    delete_topics(admin, [topic, dlq])
    admin.delete_groups([group])
    admin.close()


def test_redis_crash_pending_and_xautoclaim(events, model_path, tmp_path):
    import redis

    stack.require("redis")
    url = stack.env("REDIS_URL")
    run = uuid.uuid4().hex[:8]
    stream, dlq = f"clase4:test:{run}", f"clase4:test:{run}:dlq"
    client = redis.Redis.from_url(url)
    produce_redis(client, stream, events)
    db = tmp_path / "redis.db"
    args = ["redis", "--redis-url", url, "--stream", stream, "--group", "fraud",
            "--dead-letter-stream", dlq, "--db", str(db), "--model", str(model_path),
            "--batch-size", "100", "--claim-idle-ms", "200", "--stop-after-idle", "1"]  # fmt: skip
    a = consumer([*args, "--consumer", "a", "--crash-after", "500"], tmp_path / "a.log", "a")
    b = consumer([*args, "--consumer", "b"], tmp_path / "b.log", "b")
    try:
        a.start()
        assert a.process.wait(timeout=60) == -signal.SIGKILL
        pending = client.xpending(stream, "fraud")
        assert pending["pending"] == 100  # el último lote: guardado pero sin XACK
        assert [(c["name"], c["pending"]) for c in pending["consumers"]] == [(b"a", 100)]
        b.start()
        assert b.process.wait(timeout=120) == 0, b.log_tail()
        summary = json.loads(b.log_tail(1))
        # El último lote (100) se guardó y no se confirmó: se reclama y se reprocesa entero.
        assert summary["claimed"] == summary["replayed"] == 100
        assert client.xpending(stream, "fraud")["pending"] == 0
        dlq_ids = {event_id_of(f[b"payload"]) for _, f in client.xrange(dlq)}
    finally:
        a.stop()
        b.stop()
        client.delete(stream, dlq)
        client.close()

    valid = {e.event_id for e in events if e.valid}
    malformed = {e.event_id for e in events if not e.valid}
    ids = table(db, "SELECT event_id FROM results")
    assert len(ids) == len(valid) and set(ids) == valid
    assert sorted(event_id_of(p) for p in table(db, "SELECT payload FROM dead_letters")) == sorted(
        malformed
    )
    assert dlq_ids == malformed
