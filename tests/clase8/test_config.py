"""Configuración por entorno y piezas del proyecto que no necesitan servicios."""

from __future__ import annotations

import json

import pytest
from proyecto_ref import data, schemas
from proyecto_ref.config import DEV_API_KEY, Settings
from pydantic import ValidationError


def test_defaults_are_the_local_stack():
    settings = Settings.from_env({})
    assert settings.env == "local"
    assert settings.mlflow_tracking_uri == "http://localhost:5000"
    assert settings.champion_uri == "models:/clase8-churn@champion"
    assert settings.api_keys == (DEV_API_KEY,)


def test_containers_read_service_names_from_env():
    env = {
        "PROYECTO_ENV": "contenedores",
        "MLFLOW_TRACKING_URI": "http://mlflow:5000",
        "KAFKA_BOOTSTRAP_SERVERS": "kafka:19092",
        "PROYECTO_API_KEYS": "a, b",
    }
    settings = Settings.from_env(env)
    assert settings.mlflow_tracking_uri == "http://mlflow:5000"
    assert settings.kafka_bootstrap_servers == "kafka:19092"
    assert settings.api_keys == ("a", "b")


def test_production_refuses_dev_secrets():
    with pytest.raises(ValueError, match="secretos de desarrollo"):
        Settings.from_env({"PROYECTO_ENV": "produccion"})
    with pytest.raises(ValueError, match="32 caracteres"):
        Settings.from_env(
            {"PROYECTO_ENV": "produccion", "PROYECTO_API_KEYS": "k", "PROYECTO_JWT_SECRET": "x"}
        )
    ok = Settings.from_env(
        {"PROYECTO_ENV": "produccion", "PROYECTO_API_KEYS": "k", "PROYECTO_JWT_SECRET": "s" * 40}
    )
    assert ok.env == "produccion"
    with pytest.raises(ValueError, match="no es válido"):
        Settings.from_env({"PROYECTO_ENV": "staging"})


def test_batches_are_deterministic_and_validated():
    assert data.generate_batch("inicial").equals(data.generate_batch("inicial"))
    clean, report = data.validate(data.generate_batch("mejorado"))
    assert report["rows_rejected"] > 0 and len(clean) == report["rows_valid"]
    assert clean[list(data.FEATURES)].notna().all().all()
    with pytest.raises(data.DataValidationError, match="uso_datos_gb"):
        data.validate(data.generate_batch("defectuoso"))
    with pytest.raises(data.DataValidationError, match="faltan columnas"):
        data.validate(data.generate_batch("inicial").drop(columns=["reclamos"]))


def test_schema_errors_name_the_field_in_spanish():
    bad = {"antiguedad_meses": -1, "cargo_mensual": "x", "reclamos": 1, "extra": 1}
    with pytest.raises(ValidationError) as info:
        schemas.Customer.model_validate(bad)
    errors = {e["field"]: e["message"] for e in schemas.translate_errors(info.value.errors())}
    assert errors == {
        "antiguedad_meses": "debe ser mayor o igual que 0",
        "cargo_mensual": "debe ser un número",
        "uso_datos_gb": "campo obligatorio",
        "extra": "campo no permitido",
    }


def test_malformed_events_go_to_dlq_with_reason():
    from proyecto_ref import streaming

    class NoModel:
        current = None

    kind, payload = streaming.handle(b"{no json", NoModel())
    assert (kind, payload["reason"]) == ("dlq", "el evento no es JSON válido")
    kind, payload = streaming.handle(json.dumps({"id": "1"}).encode(), NoModel())
    assert (kind, payload["reason"]) == ("dlq", "falta el campo 'cliente'")
    event = {"id": "2", "cliente": {**dict.fromkeys(data.FEATURES, 1.0), "reclamos": 99}}
    kind, payload = streaming.handle(json.dumps(event).encode(), NoModel())
    assert kind == "dlq" and payload["reason"] == "reclamos: debe ser menor o igual que 20"
