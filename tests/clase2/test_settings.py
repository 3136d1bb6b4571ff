"""La configuración se lee del entorno al armar la app (nunca al importar) y falla con un
mensaje claro; la línea de comandos la valida antes de arrancar."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from clase2_support import HANDS_ON
from mlflow_graphql.settings import DEFAULT_TRACKING_URI, Settings


def test_defaults_are_development():
    settings = Settings.from_env({})
    assert settings.env == "development" and not settings.production
    assert settings.tracking_uri == DEFAULT_TRACKING_URI


def test_production_reads_the_environment():
    settings = Settings.from_env(
        {
            "APP_ENV": "production",
            "MLFLOW_TRACKING_URI": "http://mlflow:5000",
            "PREDICTION_API_URL": "http://iris:8000",
        }
    )
    assert settings.production
    assert settings.tracking_uri == "http://mlflow:5000"
    assert settings.prediction_api_url == "http://iris:8000"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"APP_ENV": "produccion"}, "APP_ENV='produccion' no es válido"),
        ({"APP_ENV": "production"}, "APP_ENV=production exige MLFLOW_TRACKING_URI"),
        ({"PREDICTION_API_URL": "iris:8000"}, "debe empezar con http:// o https://"),
    ],
    ids=["unknown-env", "production-without-tracking-uri", "url-without-scheme"],
)
def test_invalid_configuration_fails_with_a_clear_message(environ, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        Settings.from_env(environ)


def test_cli_refuses_to_start_with_invalid_configuration():
    env = {**os.environ, "APP_ENV": "produccion"}
    result = subprocess.run(
        [sys.executable, "-m", "mlflow_graphql", "--port", "0"],
        cwd=HANDS_ON,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Configuración inválida: APP_ENV='produccion' no es válido" in result.stderr
