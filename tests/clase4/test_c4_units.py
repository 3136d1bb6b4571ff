"""Pruebas unitarias de la Clase 4: productor, validación, almacén idempotente, PSI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fraud_stream import drift, model
from fraud_stream.events import MALFORMED_KINDS, make_events, stamp
from fraud_stream.processor import FraudProcessor
from fraud_stream.simulation import FIELDS, simulate
from fraud_stream.store import ResultStore
from fraud_stream.transports import Message
from fraud_stream.validation import InvalidEvent, validate

VALID = {
    "event_id": "tx-1",
    "card_id": "card-0001",
    "amount": 12.5,
    "hour": 3,
    "distance_km": 1.0,
    "merchant_risk": 0.2,
    "label": 0,
}


def encode(**changes) -> bytes:
    event = {**VALID, **changes}
    return json.dumps({k: v for k, v in event.items() if v is not ...}).encode()


# --------------------------------------------------------------------------- productor


def test_events_are_deterministic_and_malformed_fraction_is_respected():
    a = make_events(2000, seed=4, malformed_fraction=0.1)
    b = make_events(2000, seed=4, malformed_fraction=0.1)
    assert [e.value for e in a] == [e.value for e in b]
    broken = sum(not e.valid for e in a)
    assert 150 < broken < 250
    assert {e.kind for e in a if not e.valid} == set(MALFORMED_KINDS)
    assert len({e.event_id for e in a}) == 2000


def test_every_malformed_event_is_rejected_and_every_valid_one_accepted():
    for event in make_events(1000, seed=1, malformed_fraction=0.2):
        payload = stamp(event.value)
        if event.valid:
            assert validate(payload)["event_id"] == event.event_id
        else:
            with pytest.raises(InvalidEvent):
                validate(payload)


def test_drift_multiplies_amounts_after_drift_at():
    events = make_events(2000, seed=0, malformed_fraction=0, drift_at=1000)
    amounts = np.array([json.loads(e.value)["amount"] for e in events])
    ratio = np.median(amounts[1000:]) / np.median(amounts[:1000])
    assert 2.4 < ratio < 3.6


def test_stamp_adds_production_time_only_to_json_objects():
    stamped = json.loads(stamp(encode()))
    assert stamped["produced_at_ms"] > 0 and stamped["event_id"] == "tx-1"
    assert stamp(b'{"roto":') == b'{"roto":'


# --------------------------------------------------------------------------- validación


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{no es json", "JSON inválido"),
        (b"[1, 2]", "objeto JSON"),
        (encode(event_id=...), "'event_id'"),
        (encode(amount=...), "'amount': falta"),
        (encode(amount="mil"), "'amount': debe ser un número"),
        (encode(amount=True), "'amount': debe ser un número"),
        (encode(amount=-3), "'amount'"),
        (encode(amount=0), "'amount': debe ser positivo"),
        (encode(hour=27), "'hour': 27 fuera de rango"),
        (encode(hour=2.5), "'hour': debe ser un entero"),
        (encode(merchant_risk=1.5), "'merchant_risk'"),
        (
            b'{"event_id":"x","card_id":"c","amount":NaN,"hour":1,"distance_km":1,'
            b'"merchant_risk":0.1}',
            "'amount': nan",
        ),
    ],
)
def test_validation_reports_field_and_reason(payload, reason):
    with pytest.raises(InvalidEvent, match=reason):
        validate(payload)


def test_valid_event_passes_validation():
    assert validate(encode()) == VALID


# --------------------------------------------------------------------------- almacén


def test_store_is_idempotent_by_event_id(tmp_path, bundle):
    store = ResultStore(tmp_path / "r.db")
    processor = FraudProcessor(bundle, store)
    results = processor.infer([validate(encode(event_id=f"tx-{i}")) for i in range(5)])
    dead = [("t:0:7", "JSON inválido", b"{")]
    assert store.store(results, dead) == (6, 0)  # 5 resultados y 1 mensaje muerto
    assert store.store(results, dead) == (0, 6)  # reentrega: nada nuevo
    new = processor.infer([validate(encode(event_id="tx-9"))])
    assert store.store(results[:2] + new, []) == (1, 2)
    assert store.counts() == {"results": 6, "dead_letters": 1}
    store.close()


class FakeTransport:
    """Transporte en memoria para probar el orden publicar → guardar → confirmar."""

    def __init__(self, store):
        self.store, self.log = store, []

    def ready(self):
        return True

    def publish(self, results, dead):
        self.log.append(("publish", len(results), len(dead)))

    def ack(self, messages):
        self.log.append(("ack", self.store.counts()["results"], len(messages)))


def test_processor_acks_only_after_storing(tmp_path, bundle):
    store = ResultStore(tmp_path / "r.db")
    transport = FakeTransport(store)
    processor = FraudProcessor(bundle, store)
    messages = [
        Message("t:0:0", encode(event_id="a"), None),
        Message("t:0:1", b"{roto", None),
        Message("t:0:2", encode(event_id="b", hour=99), None),
        Message("t:0:3", encode(event_id="c"), None),
    ]
    results, dead = processor.handle(transport, messages)
    assert [r["event_id"] for r in results] == ["a", "c"]
    assert [d[0] for d in dead] == ["t:0:1", "t:0:2"]
    # Al confirmar, los 2 resultados ya estaban guardados.
    assert transport.log == [("publish", 2, 2), ("ack", 2, 4)]
    processor.handle(transport, messages)  # reentrega del mismo lote
    assert processor.stats["replayed"] == 4 and store.counts() == {"results": 2, "dead_letters": 2}
    stats = processor.stats  # cada mensaje leído: guardado por primera vez o ya estaba
    assert stats["processed"] == stats["inserted"] + stats["replayed"] == 8
    store.close()


def test_batch_inference_matches_the_model(bundle):
    data = simulate(50, seed=9)
    events = [
        {**VALID, "event_id": str(i), **{f: data[f][i].item() for f in FIELDS}} for i in range(50)
    ]
    processor = FraudProcessor(bundle, store=None)
    scores = [r["score"] for r in processor.infer(events)]
    x = model.features(*(data[f] for f in FIELDS))
    np.testing.assert_allclose(scores, bundle["model"].predict_proba(x)[:, 1], atol=1e-6)


# --------------------------------------------------------------------------- PSI


def test_psi_is_small_for_the_same_distribution_and_large_after_a_shift():
    rng = np.random.default_rng(0)
    reference = rng.normal(0, 1, 5000)
    assert drift.psi(reference, rng.normal(0, 1, 1000)) < 0.05
    assert drift.psi(reference, rng.normal(1, 1, 1000)) > 0.25
    assert drift.psi(reference, reference) == pytest.approx(0.0, abs=1e-12)


def test_psi_handles_empty_bins_and_rejects_empty_inputs():
    assert np.isfinite(drift.psi(np.arange(100), np.full(50, 1000.0)))
    with pytest.raises(ValueError):
        drift.psi([], [1.0])


def test_monitor_alerts_once_and_rebases():
    reference = np.log(simulate(4000, seed=0)["amount"])
    monitor = drift.DriftMonitor(reference, "log_amount", window=300, threshold=0.25)
    monitor.update(np.log(simulate(200, seed=1)["amount"]))
    assert monitor.check(200) is None and monitor.history == []  # ventana incompleta
    monitor.update(np.log(simulate(100, seed=2)["amount"]))
    assert monitor.check(300) is None
    monitor.update(np.log(simulate(300, seed=3, amount_scale=3.0)["amount"]))
    alert = monitor.check(600)
    assert alert is not None and alert["psi"] > 0.25 and alert["position"] == 600
    assert monitor.check(600) is None  # una sola alerta por episodio
    monitor.rebase()
    assert monitor.check(600) is None and monitor.history[-1][1] < 0.01


# --------------------------------------------------------------------------- modelo exportado


def test_exported_model_predicts_like_the_sklearn_pipeline(bundle, model_path):
    served = model.load(model_path)
    data = simulate(500, seed=21)
    x = model.features(*(data[f] for f in FIELDS))
    np.testing.assert_allclose(
        served["model"].predict_proba(x), bundle["model"].predict_proba(x), atol=1e-9
    )
    assert served["version"] == "v1" and served["holdout_accuracy"] > 0.8


def test_loading_a_model_with_other_features_fails_clearly(model_path, tmp_path):
    document = json.loads(model_path.read_text())
    document["features"] = ["amount"]
    other = tmp_path / "otro.json"
    other.write_text(json.dumps(document))
    with pytest.raises(ValueError, match="el modelo espera"):
        model.load(other)
