"""El data lake en S3: buckets, versionado, Parquet particionado, calidad y errores claros."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlsplit

import clase5_support  # noqa: F401 - primero: agrega hands-on/ a sys.path
import httpx
import pandas as pd
import pytest
from botocore.exceptions import ClientError
from lake import cli, etl, ingest, quality
from lake.config import LakeConfig, ensure_buckets


def test_buckets_are_idempotent_and_versioned(config):
    assert ensure_buckets(config) == []  # ya existen: no crea nada
    s3 = config.s3_client()
    for bucket in (config.raw_bucket, config.features_bucket):
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"


def test_resending_a_file_keeps_the_previous_version(config):
    day = ingest.days_from("2026-03-01", 1)[0]
    original = ingest.generate_readings(day, n=20)
    corrected = original.assign(temperature=original["temperature"] + 1)
    first = ingest.ingest_raw(config, day, original)
    second = ingest.ingest_raw(config, day, corrected)
    assert first["version_id"] != second["version_id"]
    s3 = config.s3_client()
    old = s3.get_object(Bucket=config.raw_bucket, Key=first["key"], VersionId=first["version_id"])
    assert old["Body"].read() == original.to_csv(index=False).encode()
    latest, version = ingest.read_raw(config, day)
    assert version == second["version_id"] and latest["temperature"].tolist() == (
        corrected["temperature"].tolist()
    )


def test_parquet_is_partitioned_by_date_and_idempotent(config, lake):
    etl.raw_to_curated(config, lake[0])  # reprocesar un día no duplica archivos
    s3 = config.s3_client()
    keys = [
        o["Key"]
        for o in s3.list_objects_v2(Bucket=config.curated_bucket, Prefix="lecturas/")["Contents"]
    ]
    expected = [f"lecturas/fecha={d}/part-0.parquet" for d in lake]
    assert [k for k in keys if k in expected] == expected
    assert not any(k.endswith("/") for k in keys)  # sin objetos "carpeta"
    frame = etl.read_partitions(config, config.curated_bucket, "lecturas", lake[1:2])
    assert len(frame) == 240 and set(frame["fecha"]) == {lake[1].isoformat()}
    assert str(frame["ts"].dtype).startswith("datetime64")


def test_quality_gate_stops_a_defective_batch(config):
    day = ingest.days_from("2026-03-02", 1)[0]
    bad = ingest.generate_readings(day, n=30)
    bad.loc[0, "temperature"] = 999.0
    bad.loc[1, "vibration"] = None
    ingest.ingest_raw(config, day, bad)
    with pytest.raises(quality.DataQualityError) as error:
        etl.raw_to_curated(config, day)
    text = str(error.value)
    assert "temperature: 1 fila(s) fuera de [-30.0, 150.0]" in text
    assert "valores nulos: {'vibration': 1}" in text
    listed = config.s3_client().list_objects_v2(
        Bucket=config.curated_bucket, Prefix=f"lecturas/fecha={day}/"
    )
    assert listed["KeyCount"] == 0  # nada llegó a curated


def test_missing_columns_is_a_clear_error():
    day = ingest.days_from("2026-03-03", 1)[0]
    frame = ingest.generate_readings(day, n=5).drop(columns=["pressure"])
    assert quality.check_raw(frame, day) == ["faltan columnas: ['pressure']"]


def test_wrong_credentials_give_a_clear_error(config):
    wrong = replace(config, secret_key="secreto-incorrecto")
    with pytest.raises(ClientError) as error:
        ensure_buckets(wrong)
    assert cli.describe_error(error.value) == (
        "S3 respondió SignatureDoesNotMatch: la clave secreta no corresponde a la de acceso"
    )
    unknown = replace(config, access_key="nadie")
    with pytest.raises(ClientError) as error:
        unknown.s3_client().list_buckets()
    assert "InvalidAccessKeyId" in cli.describe_error(error.value)


def test_missing_bucket_gives_a_clear_error(monkeypatch, capsys):
    monkeypatch.setenv("LAKE_BUCKET_PREFIX", "clase5-test-no-existe")
    with pytest.raises(SystemExit) as stop:
        cli.main(["etl", "--days", "1"])
    assert (
        str(stop.value) == "error: S3 respondió NoSuchBucket: el bucket no existe (correr `setup`)"
    )


def test_unreachable_endpoint_gives_a_clear_error(monkeypatch):
    from coursekit import free_port

    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(SystemExit) as stop:
        cli.main(["setup"])
    assert str(stop.value).startswith("error: no se pudo conectar con el endpoint de S3")


def test_presigned_url_with_minio(config, lake):
    from minio import Minio

    endpoint = urlsplit(config.endpoint_url)
    client = Minio(endpoint.netloc, config.access_key, config.secret_key, secure=False)
    url = client.presigned_get_object(
        config.raw_bucket, ingest.raw_key(lake[0]), expires=timedelta(minutes=1)
    )
    ok = httpx.get(url, timeout=10)
    assert ok.status_code == 200
    assert len(pd.read_csv(io.BytesIO(ok.content))) == 240
    tampered = httpx.get(url.replace("X-Amz-Signature=", "X-Amz-Signature=0"), timeout=10)
    assert tampered.status_code == 403 and "SignatureDoesNotMatch" in tampered.text


def test_config_defaults_are_the_course_stack_only_in_development():
    dev = LakeConfig.from_env({})
    assert (dev.endpoint_url, dev.access_key, dev.raw_bucket) == (
        "http://localhost:9000",
        "minioadmin",
        "clase5-raw",
    )
    prod = LakeConfig.from_env(
        {"APP_ENV": "production", "MLFLOW_TRACKING_URI": "https://mlflow.interno"}
    )
    # Sin endpoint ni claves: Amazon S3 y la cadena de credenciales de AWS (rol IAM).
    assert (prod.endpoint_url, prod.access_key, prod.secret_key) == (None, None, None)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"APP_ENV": "prod"}, "APP_ENV='prod' no es válido"),
        ({"LAKE_BUCKET_PREFIX": "Clase_5"}, "no sirve para nombrar buckets de S3"),
        ({"AWS_ENDPOINT_URL": "localhost:9000"}, "debe empezar con http(s)://"),
        ({"MLFLOW_TRACKING_URI": ""}, "MLFLOW_TRACKING_URI está vacía"),
        ({"APP_ENV": "production"}, "MLFLOW_TRACKING_URI='http://localhost:5000' debe usar"),
        (
            {"APP_ENV": "production", "AWS_ACCESS_KEY_ID": "minioadmin"},
            "credenciales de desarrollo",
        ),
    ],
)
def test_invalid_config_fails_with_a_clear_message(environ, message):
    with pytest.raises(ValueError) as error:
        LakeConfig.from_env(environ)
    assert message in str(error.value)
