"""Pruebas sin stack de las métricas del consumidor (`fraud_stream/metrics.py`): los cinco nombres
exactos que usan las reglas de alerta de Prometheus, cómo se actualizan tras cada lote y el
servidor de `/metrics` en su hilo."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from types import SimpleNamespace

import numpy as np
from fraud_stream import cli, model
from fraud_stream.events import make_events
from fraud_stream.kafka_transport import KafkaTransport
from fraud_stream.loop import Batch, run
from fraud_stream.metrics import (
    ConsumerMetrics,
    MetricsObserver,
    drift_monitors,
    serve,
    start_metrics,
)
from fraud_stream.processor import FraudProcessor
from fraud_stream.redis_transport import RedisStreamTransport
from fraud_stream.store import ResultStore
from fraud_stream.transports import Message
from fraud_stream.validation import validate
from prometheus_client.parser import text_string_to_metric_families

# Los nombres que usan stack/prometheus/rules/fraud_consumer.yml: cambiarlos rompe las alertas.
EXPECTED = {
    "fraud_events_processed": "counter",
    "fraud_events_dead_lettered": "counter",
    "fraud_consumer_lag": "gauge",
    "fraud_batch_duration_seconds": "histogram",
    "fraud_feature_psi": "gauge",
}


def samples(metrics: ConsumerMetrics) -> dict[tuple, float]:
    """{(nombre de la muestra, etiquetas ordenadas): valor} de lo que serviría `/metrics`."""
    text = metrics.exposition().decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


class LagTransport:
    """Lo único que el observador le pide al transporte: el lag."""

    def __init__(self, lag):
        self.value = lag

    def lag(self):
        return self.value


def results_of(bundle, events) -> list[dict]:
    processor = FraudProcessor(bundle, store=None)
    return processor.infer([validate(e.value) for e in events if e.valid])


def test_exactly_the_five_metric_names_with_their_types():
    text = ConsumerMetrics().exposition().decode()
    families = {f.name: f.type for f in text_string_to_metric_families(text)}
    assert families == EXPECTED
    assert "fraud_events_processed_total 0.0" in text  # el contador se expone con _total


def test_two_consumers_in_one_process_do_not_share_metrics():
    first, second = ConsumerMetrics(), ConsumerMetrics()
    first.processed.inc(5)
    assert samples(second)[("fraud_events_processed_total", ())] == 0


def test_observer_counts_messages_dead_letters_lag_and_batch_durations(bundle):
    metrics = ConsumerMetrics()
    transport = LagTransport(lag=None)
    observer = MetricsObserver(metrics, transport)
    observer(Batch(messages=10, results=[], dead=[("t:0:1", "JSON inválido", b"{")], seconds=0.02))
    transport.value = 7
    observer(Batch(messages=4, results=[], dead=[], seconds=3.0))
    got = samples(metrics)
    assert got[("fraud_events_processed_total", ())] == 14
    assert got[("fraud_events_dead_lettered_total", ())] == 1
    assert got[("fraud_consumer_lag", ())] == 7
    assert got[("fraud_batch_duration_seconds_count", ())] == 2
    assert got[("fraud_batch_duration_seconds_sum", ())] == 3.02
    assert got[("fraud_batch_duration_seconds_bucket", (("le", "0.025"),))] == 1
    assert got[("fraud_batch_duration_seconds_bucket", (("le", "5.0"),))] == 2


def test_psi_appears_when_the_window_fills_and_jumps_with_drift(bundle):
    metrics = ConsumerMetrics()
    monitors = drift_monitors(bundle["reference"], window=500)
    assert set(monitors) == set(model.FEATURES)
    observer = MetricsObserver(metrics, LagTransport(0), monitors)
    events = make_events(2000, seed=4, malformed_fraction=0, drift_at=1000, drift_scale=3.0)
    psi_by_batch = []
    for start in range(0, 2000, 100):
        chunk = events[start : start + 100]
        observer(Batch(len(chunk), results_of(bundle, chunk), [], seconds=0.01))
        got = samples(metrics)
        psi_by_batch.append(got.get(("fraud_feature_psi", (("feature", "log_amount"),))))
    assert psi_by_batch[:4] == [None] * 4  # ventana de 500 incompleta: sin serie
    before, after = psi_by_batch[9], psi_by_batch[-1]
    assert before < 0.1 < 0.25 < after  # estable antes de la deriva; montos ×3 después
    assert samples(metrics)[("fraud_feature_psi", (("feature", "merchant_risk"),))] < 0.1


def test_reference_profile_travels_with_the_exported_model(bundle, model_path):
    loaded = model.load(model_path)
    assert set(loaded["reference"]) == set(model.FEATURES)
    assert all(len(v) == 101 for v in loaded["reference"].values())  # percentiles 0–100
    assert loaded["reference"] == bundle["reference"]
    amounts = np.asarray(loaded["reference"]["log_amount"])
    assert (np.diff(amounts) >= 0).all()


def test_metrics_server_serves_the_exposition_in_a_thread_and_stops():
    metrics = ConsumerMetrics()
    metrics.processed.inc(3)
    before = threading.active_count()
    server = serve(metrics, port=0)
    try:
        assert server.port > 0
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/metrics", timeout=5) as r:
            body = r.read().decode()
            assert r.headers["Content-Type"].startswith("text/plain")
        assert "fraud_events_processed_total 3.0" in body
    finally:
        server.stop()
    assert not server.thread.is_alive() and threading.active_count() == before


def test_loop_hands_each_batch_to_on_batch_with_its_duration(tmp_path, bundle):
    class OneShotTransport:
        def __init__(self, messages):
            self.pending = messages

        def ready(self):
            return True

        def poll(self, max_messages, timeout_ms):
            out, self.pending = self.pending[:max_messages], self.pending[max_messages:]
            return out

        def publish(self, results, dead):
            pass

        def ack(self, messages):
            pass

    events = make_events(30, seed=6, malformed_fraction=0.2)
    messages = [Message(f"t:0:{i}", e.value, None) for i, e in enumerate(events)]
    store = ResultStore(tmp_path / "r.db")
    batches: list[Batch] = []
    stats = run(OneShotTransport(messages), FraudProcessor(bundle, store), batch_size=10,
                max_wait_ms=1, stop_after_idle_s=0.05, on_batch=batches.append)  # fmt: skip
    store.close()
    assert [b.messages for b in batches] == [10, 10, 10]
    assert sum(len(b.results) + len(b.dead) for b in batches) == 30 == stats["processed"]
    assert all(b.seconds > 0 for b in batches)


def test_kafka_lag_is_high_watermark_minus_position_without_network():
    highs, positions = {"a": 120, "b": 40}, {"a": 100, "b": 40}
    consumer = SimpleNamespace(
        assignment=lambda: {"a", "b"},
        highwater=highs.get,
        position=positions.get,
    )
    transport = object.__new__(KafkaTransport)
    transport.consumer = consumer
    assert transport.lag() == 20
    highs["b"] = None  # una partición sin ninguna lectura todavía: no se sabe
    assert transport.lag() is None


class FakeRedis:
    """Solo XAUTOCLAIM y XREADGROUP: cada XAUTOCLAIM devuelve lo programado y recorre todo."""

    def __init__(self, claims):
        self.claims, self.autoclaims = list(claims), 0

    def xautoclaim(self, stream, group, consumer, min_idle_time, start_id, count):
        self.autoclaims += 1
        entries = self.claims.pop(0) if self.claims else []
        return [b"0-0", entries, []]

    def xreadgroup(self, group, consumer, streams, count, block):
        return []


def test_redis_sweeps_pending_again_after_claim_idle_ms():
    """Un consumidor que arranca justo después de la caída de otro todavía no puede reclamar sus
    pendientes (no llevan `claim_idle_ms` inactivos): los reclama en una vuelta posterior."""
    transport = object.__new__(RedisStreamTransport)
    transport.__dict__.update(
        client=FakeRedis([[], [(b"1-0", {b"value": b"{}"})]]),
        stream="s", group="g", consumer="b", claim_idle_ms=50, claim_cursor="0-0",
        next_sweep=0.0, in_flight=set(), claimed=0,
    )  # fmt: skip
    assert transport.poll(10, 1) == []  # primera vuelta: nada reclamable todavía
    assert transport.poll(10, 1) == []  # antes de claim_idle_ms no se vuelve a recorrer
    assert transport.client.autoclaims == 1
    time.sleep(0.06)
    [message] = transport.poll(10, 1)
    assert message.source_id == "s:1-0" and transport.claimed == 1


def test_metrics_are_off_unless_a_port_is_given(bundle):
    assert cli.build_parser().parse_args(["consume", "kafka"]).metrics_port is None
    args = cli.build_parser().parse_args(["consume", "redis", "--metrics-port", "0"])
    observer, server = start_metrics(
        LagTransport(0), bundle["reference"], args.metrics_port, args.metrics_host
    )
    try:
        assert isinstance(observer, MetricsObserver) and server.port > 0
        assert set(observer.monitors) == set(model.FEATURES)
    finally:
        server.stop()


def test_ready_line_reports_the_metrics_port(capsys, tmp_path, model_path, monkeypatch):
    """`consume` anuncia en su primera línea JSON el puerto de `/metrics` (útil con puerto 0)."""

    class EmptyTransport(LagTransport):
        def ready(self):
            return True

        def poll(self, max_messages, timeout_ms):
            return []

        def close(self):
            pass

    monkeypatch.setattr(cli, "make_transport", lambda args: EmptyTransport(0))
    cli.consume(cli.build_parser().parse_args(
        ["consume", "kafka", "--db", str(tmp_path / "r.db"), "--model", str(model_path),
         "--metrics-port", "0", "--stop-after-idle", "0.05", "--max-wait-ms", "1"]
    ))  # fmt: skip
    ready, done = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert ready["status"] == "ready" and ready["metrics_port"] > 0
    assert done["status"] == "done" and done["processed"] == 0
