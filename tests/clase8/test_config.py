"""Configuración por entorno y piezas del proyecto que no necesitan servicios."""

from __future__ import annotations

import jwt
import pytest
from proyecto_ref import data, schemas
from proyecto_ref.config import DEV_API_KEY, Settings
from pydantic import ValidationError


def test_defaults_are_the_local_stack():
    settings = Settings.from_env({})
    assert settings.env == "development"
    assert settings.mlflow_tracking_uri == "http://localhost:5000"
    assert settings.champion_uri == "models:/clase8-churn@champion"
    assert settings.api_keys == (DEV_API_KEY,)


def test_containers_read_service_names_from_env():
    env = {
        "APP_ENV": "containers",
        "MLFLOW_TRACKING_URI": "http://mlflow:5000",
        "KAFKA_BOOTSTRAP_SERVERS": "kafka:19092",
        "PROYECTO_API_KEYS": "a, b",
        "PROYECTO_RELOAD_INTERVAL_S": "2.5",
    }
    settings = Settings.from_env(env)
    assert settings.env == "containers"
    assert settings.mlflow_tracking_uri == "http://mlflow:5000"
    assert settings.kafka_bootstrap_servers == "kafka:19092"
    assert settings.api_keys == ("a", "b")
    assert settings.reload_interval_s == 2.5


def test_production_refuses_dev_secrets():
    with pytest.raises(ValueError, match="secretos de desarrollo"):
        Settings.from_env({"APP_ENV": "production"})
    with pytest.raises(ValueError, match="32 caracteres"):
        Settings.from_env(
            {"APP_ENV": "production", "PROYECTO_API_KEYS": "k", "PROYECTO_JWT_SECRET": "x"}
        )
    ok = Settings.from_env(
        {"APP_ENV": "production", "PROYECTO_API_KEYS": "k", "PROYECTO_JWT_SECRET": "s" * 40}
    )
    assert ok.env == "production"


def test_invalid_values_fail_with_a_clear_message():
    with pytest.raises(ValueError, match="APP_ENV='produccion' no es válido"):
        Settings.from_env({"APP_ENV": "produccion"})
    with pytest.raises(ValueError, match="PROYECTO_MIN_IMPROVEMENT='mucho' no es un número"):
        Settings.from_env({"PROYECTO_MIN_IMPROVEMENT": "mucho"})


def test_batches_are_deterministic_and_validated():
    assert data.generate_batch("initial").equals(data.generate_batch("initial"))
    clean, report = data.validate(data.generate_batch("improved"))
    assert report["rows_rejected"] > 0 and len(clean) == report["rows_valid"]
    assert clean[list(data.FEATURES)].notna().all().all()
    with pytest.raises(data.DataValidationError, match="data_usage_gb"):
        data.validate(data.generate_batch("faulty"))
    with pytest.raises(data.DataValidationError, match="faltan columnas"):
        data.validate(data.generate_batch("initial").drop(columns=["complaints"]))
    with pytest.raises(KeyError, match="lote desconocido"):
        data.generate_batch("inicial")


def test_schema_errors_name_the_field_in_spanish():
    bad = {"tenure_months": -1, "monthly_charge": "x", "complaints": 1, "extra": 1}
    with pytest.raises(ValidationError) as info:
        schemas.Customer.model_validate(bad)
    assert schemas.explain(info.value) == (
        "tenure_months: debe ser mayor o igual que 0; "
        "monthly_charge: debe ser un número; "
        "data_usage_gb: campo obligatorio; "
        "extra: campo no permitido (¿error de tipeo?)"
    )


def test_cli_token_and_clear_configuration_error(monkeypatch, capsys):
    from proyecto_ref import cli

    monkeypatch.delenv("APP_ENV", raising=False)
    assert cli.main(["token", "--sub", "prueba"]) == 0
    token = capsys.readouterr().out.strip()
    assert jwt.decode(token, Settings().jwt_secret, algorithms=["HS256"])["sub"] == "prueba"
    monkeypatch.setenv("APP_ENV", "production")
    assert cli.main(["token"]) == 2
    assert "APP_ENV=production con secretos de desarrollo" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["pipeline", "--batch", "inicial"])  # lotes en inglés: initial, improved, faulty
