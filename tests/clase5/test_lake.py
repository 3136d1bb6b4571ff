"""El data lake en S3: buckets, versionado, Parquet particionado, calidad y errores claros."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlsplit

import c5_lake
import httpx
import pytest
from botocore.exceptions import ClientError


def test_buckets_idempotentes_y_versionados(config):
    assert c5_lake.ensure_buckets(config) == []  # ya existen: no crea nada
    s3 = config.s3_client()
    for bucket in (config.raw_bucket, config.features_bucket):
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"


def test_reenviar_un_archivo_conserva_la_version_anterior(config):
    day = c5_lake.days_from("2026-03-01", 1)[0]
    original = c5_lake.generate_readings(day, n=20)
    corrected = original.assign(temperature=original["temperature"] + 1)
    first = c5_lake.ingest_raw(config, day, original)
    second = c5_lake.ingest_raw(config, day, corrected)
    assert first["version_id"] != second["version_id"]
    s3 = config.s3_client()
    old = s3.get_object(Bucket=config.raw_bucket, Key=first["key"], VersionId=first["version_id"])
    assert old["Body"].read() == original.to_csv(index=False).encode()
    latest, version = c5_lake.read_raw(config, day)
    assert version == second["version_id"] and latest["temperature"].tolist() == (
        corrected["temperature"].tolist()
    )


def test_parquet_particionado_por_fecha_e_idempotente(config, lake):
    c5_lake.raw_to_curated(config, lake[0])  # reprocesar un día no duplica archivos
    s3 = config.s3_client()
    keys = [
        o["Key"]
        for o in s3.list_objects_v2(Bucket=config.curated_bucket, Prefix="lecturas/")["Contents"]
    ]
    expected = [f"lecturas/fecha={d}/part-0.parquet" for d in lake]
    assert [k for k in keys if k in expected] == expected
    assert not any(k.endswith("/") for k in keys)  # sin objetos "carpeta"
    frame = c5_lake.read_partitions(config, config.curated_bucket, "lecturas", lake[1:2])
    assert len(frame) == 240 and set(frame["fecha"]) == {lake[1].isoformat()}
    assert str(frame["ts"].dtype).startswith("datetime64")


def test_la_calidad_frena_un_lote_defectuoso(config):
    day = c5_lake.days_from("2026-03-02", 1)[0]
    bad = c5_lake.generate_readings(day, n=30)
    bad.loc[0, "temperature"] = 999.0
    bad.loc[1, "vibration"] = None
    c5_lake.ingest_raw(config, day, bad)
    with pytest.raises(c5_lake.DataQualityError) as error:
        c5_lake.raw_to_curated(config, day)
    text = str(error.value)
    assert "temperature: 1 fila(s) fuera de [-30.0, 150.0]" in text
    assert "valores nulos: {'vibration': 1}" in text
    listed = config.s3_client().list_objects_v2(
        Bucket=config.curated_bucket, Prefix=f"lecturas/fecha={day}/"
    )
    assert listed["KeyCount"] == 0  # nada llegó a curated


def test_faltan_columnas_es_un_error_claro():
    day = c5_lake.days_from("2026-03-03", 1)[0]
    frame = c5_lake.generate_readings(day, n=5).drop(columns=["pressure"])
    assert c5_lake.check_raw(frame, day) == ["faltan columnas: ['pressure']"]


def test_credenciales_incorrectas_dan_un_error_claro(config):
    wrong = replace(config, secret_key="secreto-incorrecto")
    with pytest.raises(ClientError) as error:
        c5_lake.ensure_buckets(wrong)
    assert c5_lake.describe_error(error.value) == (
        "S3 respondió SignatureDoesNotMatch: la clave secreta no corresponde a la de acceso"
    )
    unknown = replace(config, access_key="nadie")
    with pytest.raises(ClientError) as error:
        unknown.s3_client().list_buckets()
    assert "InvalidAccessKeyId" in c5_lake.describe_error(error.value)


def test_bucket_inexistente_da_un_error_claro(monkeypatch, capsys):
    monkeypatch.setenv("LAKE_BUCKET_PREFIX", "clase5-test-no-existe")
    with pytest.raises(SystemExit) as stop:
        c5_lake.main(["etl", "--days", "1"])
    assert (
        str(stop.value) == "error: S3 respondió NoSuchBucket: el bucket no existe (correr `setup`)"
    )


def test_endpoint_caido_da_un_error_claro(monkeypatch):
    from coursekit import free_port

    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(SystemExit) as stop:
        c5_lake.main(["setup"])
    assert str(stop.value).startswith("error: no se pudo conectar con el endpoint de S3")


def test_url_prefirmada_con_minio(config, lake):
    from minio import Minio

    endpoint = urlsplit(config.endpoint_url)
    client = Minio(endpoint.netloc, config.access_key, config.secret_key, secure=False)
    url = client.presigned_get_object(
        config.raw_bucket, c5_lake.raw_key(lake[0]), expires=timedelta(minutes=1)
    )
    ok = httpx.get(url, timeout=10)
    assert ok.status_code == 200
    assert len(c5_lake.pd.read_csv(io.BytesIO(ok.content))) == 240
    tampered = httpx.get(url.replace("X-Amz-Signature=", "X-Amz-Signature=0"), timeout=10)
    assert tampered.status_code == 403 and "SignatureDoesNotMatch" in tampered.text
