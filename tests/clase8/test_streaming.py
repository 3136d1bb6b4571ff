"""El consumidor por micro-lotes, sin Kafka: validación, una sola predicción por lote, DLQ."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import numpy as np
import pytest
from proyecto_ref import data, streaming
from proyecto_ref.champion import Served

CUSTOMER = dict.fromkeys(data.FEATURES, 1.0)


class CountingModel:
    """Predice 0.8 para todos y cuenta cuántas veces se lo llama."""

    def __init__(self):
        self.calls = []

    def predict_proba(self, rows):
        self.calls.append(len(rows))
        return np.column_stack([np.full(len(rows), 0.2), np.full(len(rows), 0.8)])


def record(value, key=None):
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return SimpleNamespace(key=key, value=raw)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{no json", "el evento no es JSON válido"),
        (json.dumps({"id": "1"}).encode(), "falta el campo 'customer'"),
        (json.dumps([1, 2]).encode(), "falta el campo 'customer'"),
        (
            json.dumps({"id": "2", "customer": {**CUSTOMER, "complaints": 99}}).encode(),
            "complaints: debe ser menor o igual que 20",
        ),
    ],
)
def test_malformed_events_are_rejected_with_reason(raw, reason):
    with pytest.raises(streaming.InvalidEvent) as info:
        streaming.parse(raw)
    assert info.value.payload["reason"] == reason


def test_a_micro_batch_is_one_model_call_and_invalid_events_go_to_the_dlq():
    model = CountingModel()
    served = Served(model, "clase8-churn", "3", "run", 0.0)
    records = [record({"id": f"e{i}", "customer": CUSTOMER}, key=b"k") for i in range(5)]
    records.insert(2, record(b"{roto"))
    records.append(record({"id": "x"}))
    results, dead = streaming.process(records, served)
    assert model.calls == [5]  # una sola llamada vectorizada para los 5 válidos
    assert [payload["id"] for _, payload in results] == [f"e{i}" for i in range(5)]
    assert results[0] == (b"k", {"id": "e0", "churn": True, "probability": 0.8, "version": "3"})
    assert [payload["reason"] for _, payload in dead] == [
        "el evento no es JSON válido",
        "falta el campo 'customer'",
    ]
    assert streaming.process([record(b"{roto")], served)[0] == []
    assert model.calls == [5]  # un lote sin válidos no llama al modelo


class FakeConsumer:
    """Entrega los registros de a `chunk` por llamada a poll (como Kafka con poco tráfico)."""

    def __init__(self, records, chunk):
        self.records, self.chunk, self.polls = list(records), chunk, 0

    def poll(self, timeout_ms, max_records):
        self.polls += 1
        taken = self.records[: min(self.chunk, max_records)]
        self.records = self.records[len(taken) :]
        if not taken:
            time.sleep(timeout_ms / 1000)
            return {}
        return {("t", 0): taken}


def test_collect_stops_at_max_events_or_at_the_deadline():
    consumer = FakeConsumer(range(10), chunk=3)
    assert streaming.collect(consumer, max_events=5, max_wait_ms=1000) == [0, 1, 2, 3, 4]
    started = time.monotonic()
    assert streaming.collect(consumer, max_events=100, max_wait_ms=100) == [5, 6, 7, 8, 9]
    assert 0.09 <= time.monotonic() - started < 1.0
