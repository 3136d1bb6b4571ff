"""coursekit.stack: valores por defecto, lectura del entorno y el mensaje de require()."""

from __future__ import annotations

import socket

import pytest

from coursekit import stack


def closed_port() -> int:
    """Un puerto donde (casi seguro) no escucha nadie: lo pide al sistema y lo suelta."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_design_defaults(monkeypatch):
    for var in stack.DEFAULTS:
        monkeypatch.delenv(var, raising=False)
    assert stack.env("KAFKA_BOOTSTRAP_SERVERS") == "localhost:9092"
    assert stack.env("REDIS_URL") == "redis://localhost:6379/0"
    assert stack.env("AWS_ENDPOINT_URL") == stack.env("MLFLOW_S3_ENDPOINT_URL")
    assert stack.endpoint("mlflow") == "http://localhost:5000"
    assert stack.endpoint("airflow") == "http://localhost:8080"
    assert stack.endpoint("prometheus") == "http://localhost:9090"
    assert stack.address("prometheus") == ("localhost", 9090)
    assert stack.endpoint("postgres") == "postgresql://mlops:mlops@localhost:5432/mlops"
    assert stack.address("kafka") == ("localhost", 9092)
    assert stack.address("minio") == ("localhost", 9000)
    assert stack.s3_config() == {
        "endpoint_url": "http://localhost:9000",
        "aws_access_key_id": "minioadmin",
        "aws_secret_access_key": "minioadmin",
        "region_name": "us-east-1",
    }


def test_environment_wins(monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "broker:29092,otro:29092")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6380/1")
    assert stack.address("kafka") == ("broker", 29092)
    assert stack.address("redis") == ("cache", 6380)
    assert stack.environment()["REDIS_URL"] == "redis://cache:6380/1"


def test_unknown_names():
    with pytest.raises(KeyError, match="no es una variable del stack"):
        stack.env("NO_EXISTE")
    with pytest.raises(KeyError, match="no es un servicio del stack"):
        stack.require("zookeeper", timeout=0)


def test_require_explains_what_is_missing_and_how_to_start_it(monkeypatch):
    port = closed_port()
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", f"localhost:{port}")
    with pytest.raises(RuntimeError) as error:
        stack.require("kafka", timeout=0.2)
    message = str(error.value)
    assert f"kafka (Apache Kafka 4 (KRaft, un nodo)) no responde en localhost:{port}" in message
    assert "make stack-up" in message
    assert "docker compose --profile streaming up -d" in message


def test_require_passes_when_the_port_answers(monkeypatch):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{server.getsockname()[1]}/0")
        stack.require("redis", timeout=1)


def test_valid_dependencies_and_profiles():
    for service in stack.SERVICES.values():
        assert set(service.depends_on) <= set(stack.SERVICES)
        assert service.profiles and set(service.profiles) <= {
            "streaming",
            "datalake",
            "airflow",
            "monitoring",
        }
