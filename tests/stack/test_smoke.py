"""Prueba de humo de cada servicio del stack con su cliente real (requiere `make stack-up`)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from coursekit import stack

ROOT = Path(__file__).resolve().parents[2]


pytestmark = [
    pytest.mark.stack,
    # kafka-python 3.0.12 usa una API vieja de importlib.resources: ruido ajeno a estas pruebas.
    pytest.mark.filterwarnings("ignore:(read|open)_text is deprecated:DeprecationWarning"),
]


def test_kafka_produce_and_consume(unique):
    from kafka import KafkaConsumer, KafkaProducer

    stack.require("kafka")
    topic = f"smoke-{unique}"
    servers = stack.env("KAFKA_BOOTSTRAP_SERVERS")
    producer = KafkaProducer(bootstrap_servers=servers, acks="all")
    producer.send(topic, key=b"k", value=b"hola kafka").get(timeout=30)
    producer.close()
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=servers,
        group_id=f"smoke-{unique}",
        auto_offset_reset="earliest",
        consumer_timeout_ms=15_000,
    )
    message = next(iter(consumer), None)  # el primero que llegue (o None tras 15 s)
    consumer.close()
    assert message is not None and message.value == b"hola kafka"


def test_redis_streams_xadd_and_xreadgroup(unique):
    import redis

    stack.require("redis")
    client = redis.Redis.from_url(stack.env("REDIS_URL"))
    stream, group = f"smoke:{unique}", "lectores"
    try:
        entry_id = client.xadd(stream, {"evento": "hola"})
        client.xgroup_create(stream, group, id="0")
        [(name, entries)] = client.xreadgroup(group, "c1", {stream: ">"}, count=10, block=2000)
        assert name == stream.encode()
        assert entries == [(entry_id, {b"evento": b"hola"})]
        assert client.xack(stream, group, entry_id) == 1
    finally:
        client.delete(stream)
        client.close()


def test_s3_with_minio(unique):
    from minio import Minio

    stack.require("minio")
    host, port = stack.address("minio")
    client = Minio(
        f"{host}:{port}",
        access_key=stack.env("AWS_ACCESS_KEY_ID"),
        secret_key=stack.env("AWS_SECRET_ACCESS_KEY"),
        secure=False,
    )
    assert {b.name for b in client.list_buckets()} >= set(stack.BUCKETS)
    key = f"smoke/{unique}/minio.txt"
    data = b"hola minio"
    client.put_object("datalake-raw", key, io.BytesIO(data), len(data))
    try:
        assert client.get_object("datalake-raw", key).read() == data
        names = [o.object_name for o in client.list_objects("datalake-raw", f"smoke/{unique}/")]
        assert names == [key]
    finally:
        client.remove_object("datalake-raw", key)


def test_s3_with_boto3(unique):
    import boto3

    stack.require("minio")
    s3 = boto3.client("s3", **stack.s3_config())
    key = f"smoke/{unique}/boto3.json"
    s3.put_object(Bucket="datalake-curated", Key=key, Body=json.dumps({"ok": True}).encode())
    try:
        body = s3.get_object(Bucket="datalake-curated", Key=key)["Body"].read()
        assert json.loads(body) == {"ok": True}
        listed = s3.list_objects_v2(Bucket="datalake-curated", Prefix=f"smoke/{unique}/")
        assert [o["Key"] for o in listed["Contents"]] == [key]
    finally:
        s3.delete_object(Bucket="datalake-curated", Key=key)


def test_mlflow_logs_and_returns_an_artifact(unique, tmp_path, monkeypatch):
    import boto3
    import mlflow

    stack.require("mlflow", "minio")
    run_id = log_run_without_s3_credentials(unique, tmp_path, monkeypatch)
    # Se lee de vuelta a través del servidor de tracking (artefactos "proxied").
    downloaded = mlflow.artifacts.download_artifacts(
        run_id=run_id, artifact_path="notas/nota.txt", dst_path=str(tmp_path / "bajada")
    )
    assert Path(downloaded).read_text() == f"artefacto {unique}"
    assert mlflow.get_run(run_id).data.params == {"semilla": "42"}
    # ...y el servidor lo guardó de verdad en el bucket `mlflow` de S3.
    s3 = boto3.client("s3", **stack.s3_config())
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="mlflow")["Contents"]]
    assert any(key.endswith(f"{run_id}/artifacts/notas/nota.txt") for key in keys)


def log_run_without_s3_credentials(unique, tmp_path, monkeypatch) -> str:
    """El cliente de MLflow solo conoce MLFLOW_TRACKING_URI: sin credenciales de S3."""
    import mlflow

    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "MLFLOW_S3_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    mlflow.set_tracking_uri(stack.env("MLFLOW_TRACKING_URI"))
    mlflow.set_experiment("smoke-stack")
    note = tmp_path / "nota.txt"
    note.write_text(f"artefacto {unique}")
    with mlflow.start_run(run_name=f"smoke-{unique}") as run:
        mlflow.log_param("semilla", 42)
        mlflow.log_metric("exactitud", 0.9)
        mlflow.log_artifact(str(note), artifact_path="notas")
    return run.info.run_id


def test_airflow_parses_and_tests_a_dag(unique, localstack):
    import boto3
    import mlflow

    stack.require("postgres", "minio", "mlflow")
    env = {**os.environ, "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "tests/stack/dags")}
    listed = localstack("airflow", "dags", "list", "--local", "-o", "json", env=env)
    assert listed.returncode == 0, listed.stderr[-2000:]
    dags = json.loads(listed.stdout.strip().splitlines()[-1])
    assert [d["dag_id"] for d in dags] == ["smoke_stack"]

    key = f"smoke/{unique}/airflow.txt"
    conf = json.dumps({"key": key})
    result = localstack("airflow", "dags", "test", "smoke_stack", "-c", conf, env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "state=success" in output, output[-3000:]
    # El DAG usó el S3 y el MLflow del stack a través de sus variables de entorno.
    s3 = boto3.client("s3", **stack.s3_config())
    assert s3.get_object(Bucket="datalake-raw", Key=key)["Body"].read() == b"hola desde Airflow"
    s3.delete_object(Bucket="datalake-raw", Key=key)
    mlflow.set_tracking_uri(stack.env("MLFLOW_TRACKING_URI"))
    runs = mlflow.search_runs(
        experiment_names=["smoke-airflow"], filter_string=f"params.key = '{key}'"
    )
    assert len(runs) == 1


def test_airflow_api_server_answers():
    import httpx

    stack.require("airflow", timeout=60)
    health = httpx.get(f"{stack.endpoint('airflow')}/api/v2/monitor/health", timeout=10).json()
    assert health["metadatabase"]["status"] == "healthy"
    assert health["scheduler"]["status"] == "healthy"
