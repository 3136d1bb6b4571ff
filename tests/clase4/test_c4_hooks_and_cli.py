"""Pruebas sin stack del paquete `fraud_stream`: el hook de fallas, los offsets de Kafka, la
configuración por entorno y la línea de comandos."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from fraud_stream import cli, model
from fraud_stream.faults import kill_after
from fraud_stream.kafka_transport import next_offsets
from fraud_stream.processor import FraudProcessor, split_valid
from fraud_stream.settings import Settings
from fraud_stream.store import ResultStore
from fraud_stream.transports import Message

HANDS_ON = Path(__file__).resolve().parents[2] / "clase4" / "hands-on"


def event(event_id: str, **changes) -> bytes:
    record = {"event_id": event_id, "card_id": "card-0001", "amount": 12.5, "hour": 3}
    return json.dumps(record | {"distance_km": 1.0, "merchant_risk": 0.2} | changes).encode()


class RecordingTransport:
    """Transporte en memoria que anota cuántos resultados había guardados al confirmar."""

    def __init__(self, store: ResultStore):
        self.store, self.log = store, []

    def publish(self, results, dead):
        self.log.append("publish")

    def ack(self, messages):
        self.log.append(("ack", self.store.counts()["results"]))


# --------------------------------------------------------------------------- procesamiento


def test_split_valid_sends_malformed_events_to_dead_letters():
    messages = [Message("t:0:0", event("a"), None), Message("t:0:1", b"{roto", None)]
    events, dead = split_valid(messages)
    assert [e["event_id"] for e in events] == ["a"]
    assert [(source, payload) for source, _, payload in dead] == [("t:0:1", b"{roto")]
    assert dead[0][1].startswith("JSON inválido")


def test_after_store_hook_runs_after_storing_and_before_acking(tmp_path, bundle):
    store = ResultStore(tmp_path / "r.db")
    transport = RecordingTransport(store)
    seen = []

    def hook(messages):
        transport.log.append(("after_store", store.counts()["results"], len(messages)))
        seen.append(len(messages))

    processor = FraudProcessor(bundle, store, after_store=hook)
    processor.handle(transport, [Message(f"t:0:{i}", event(f"e{i}"), None) for i in range(3)])
    assert transport.log == ["publish", ("after_store", 3, 3), ("ack", 3)]
    store.close()


def test_kill_after_fires_once_the_stored_messages_reach_the_limit():
    kills = []
    hook = kill_after(250, kill=lambda: kills.append(True))
    for _ in range(2):
        hook([None] * 100)
    assert kills == []  # 200 guardados: todavía no
    hook([None] * 100)  # 300 ≥ 250: en este lote, ya guardado y sin confirmar
    assert kills == [True]


def test_a_crashing_hook_leaves_the_batch_stored_but_unacknowledged(tmp_path, bundle):
    class Crash(Exception):
        pass

    def crash():
        raise Crash

    store = ResultStore(tmp_path / "r.db")
    transport = RecordingTransport(store)
    processor = FraudProcessor(bundle, store, after_store=kill_after(2, kill=crash))
    with pytest.raises(Crash):
        processor.handle(transport, [Message(f"t:0:{i}", event(f"e{i}"), None) for i in range(2)])
    assert store.counts()["results"] == 2 and transport.log == ["publish"]  # sin ack
    store.close()


def test_kafka_commits_the_offset_after_the_last_message_of_each_partition():
    def message(partition, offset):
        ref = SimpleNamespace(topic="t", partition=partition, offset=offset)
        return Message(f"t:{partition}:{offset}", b"", ref)

    commit = next_offsets([message(0, 4), message(1, 9), message(0, 7), message(0, 5)])
    assert {tp.partition: meta.offset for tp, meta in commit.items()} == {0: 8, 1: 10}
    assert next_offsets([]) == {}


# --------------------------------------------------------------------------- configuración


def test_settings_default_to_the_stack_and_read_the_environment():
    assert Settings.from_env({}) == Settings("localhost:9092", "redis://localhost:6379/0")
    custom = Settings.from_env({"KAFKA_BOOTSTRAP_SERVERS": "k1:1,k2:2", "REDIS_URL": "redis://r"})
    assert custom == Settings("k1:1,k2:2", "redis://r")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"KAFKA_BOOTSTRAP_SERVERS": "localhost"}, "host:puerto"),
        ({"KAFKA_BOOTSTRAP_SERVERS": "k:9092,k2:x"}, "host:puerto"),
        ({"REDIS_URL": "http://localhost:6379"}, "redis://"),
    ],
)
def test_invalid_settings_fail_with_a_clear_message(environ, message):
    with pytest.raises(ValueError, match=message):
        Settings.from_env(environ)


# --------------------------------------------------------------------------- línea de comandos


def test_cli_options_override_the_environment(monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "from-env:9092")
    args = cli.build_parser().parse_args(["consume", "kafka", "--crash-after", "10"])
    cli.fill_endpoints(args, Settings.from_env())
    assert args.bootstrap == "from-env:9092" and args.crash_after == 10
    args = cli.build_parser().parse_args(["consume", "kafka", "--bootstrap", "flag:1"])
    cli.fill_endpoints(args, Settings.from_env())
    assert args.bootstrap == "flag:1"


@pytest.mark.parametrize(
    "argv",
    [
        ["consume", "redis", "--crash-after", "0"],
        ["consume", "kafka", "--batch-size", "-1"],
        ["produce", "--malformed-fraction", "1.5"],
        ["produce", "--events", "10", "--drift-at", "11"],
        ["consume"],
    ],
)
def test_cli_rejects_bad_arguments(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    assert "error" in capsys.readouterr().err


def test_cli_rejects_a_bad_environment_before_connecting(monkeypatch, capsys):
    monkeypatch.setenv("REDIS_URL", "localhost:6379")
    with pytest.raises(SystemExit):
        cli.main(["consume", "redis"])
    assert "REDIS_URL='localhost:6379'" in capsys.readouterr().err


def test_python_dash_m_trains_and_exports_the_model(tmp_path):
    output = tmp_path / "m.json"
    done = subprocess.run(
        [sys.executable, "-m", "fraud_stream", "train", "--output", str(output)],
        cwd=HANDS_ON,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "modelo v1 guardado" in done.stdout
    assert model.load(output)["version"] == "v1"
