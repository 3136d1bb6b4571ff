"""La CLI del modo local: idempotencia de `up`, `status` y la prueba de falla de Kafka."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psutil
import pytest

from coursekit import stack

ROOT = Path(__file__).resolve().parents[2]


pytestmark = [
    pytest.mark.stack,
    # kafka-python 3.0.12 usa una API vieja de importlib.resources: ruido ajeno a estas pruebas.
    pytest.mark.filterwarnings("ignore:(read|open)_text is deprecated:DeprecationWarning"),
]

PID_FILE = ROOT / ".stack" / "run" / "kafka.pid"


def kafka_pid() -> int:
    return int(PID_FILE.read_text().split()[0])


def is_running(pid: int) -> bool:
    """Vivo y no zombi (el broker no es hijo nuestro: al morir puede quedar como zombi)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_status_all_running(localstack):
    result = localstack("status")
    assert result.returncode == 0, result.stdout
    for name in stack.SERVICES:
        assert f"{name} " in result.stdout


def test_up_is_idempotent(localstack):
    before = kafka_pid()
    result = localstack("up", "kafka", "redis")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "kafka: ya estaba corriendo" in result.stdout
    assert "redis: ya estaba corriendo" in result.stdout
    assert "postgres" not in result.stdout  # solo lo pedido (y sus dependencias: ninguna)
    assert kafka_pid() == before


def test_kafka_dies_status_reports_it_and_up_restarts_it_with_its_data(unique, localstack):
    from kafka import KafkaConsumer, KafkaProducer

    servers = stack.env("KAFKA_BOOTSTRAP_SERVERS")
    topic = f"fault-{unique}"
    producer = KafkaProducer(bootstrap_servers=servers, acks="all")
    producer.send(topic, b"antes de la falla").get(timeout=30)
    producer.close()

    pid = kafka_pid()
    os.kill(pid, signal.SIGKILL)  # el broker muere sin apagarse ordenadamente
    deadline = time.monotonic() + 15
    while is_running(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not is_running(pid)

    status = localstack("status")
    assert status.returncode != 0
    assert any(line.split()[:2] == ["kafka", "CAÍDO"] for line in status.stdout.splitlines())

    up = localstack("up")
    assert up.returncode == 0, up.stdout + up.stderr
    assert "kafka: estaba caído; lo reinicio" in up.stdout
    assert kafka_pid() != pid

    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=servers,
        group_id=f"fault-{unique}",
        auto_offset_reset="earliest",
        consumer_timeout_ms=20_000,
    )
    message = next(iter(consumer), None)  # el primero que llegue (o None tras 20 s)
    consumer.close()
    assert message is not None and message.value == b"antes de la falla"
    assert localstack("status").returncode == 0
