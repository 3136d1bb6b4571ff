"""Contrato HTTP del servicio sin el stack: /health es liveness (nunca mira el modelo), /ready
dice 503 hasta que hay campeón, todo error es problem+json y está declarado en el OpenAPI, y la
configuración inválida falla al arrancar con un mensaje claro."""

from __future__ import annotations

import subprocess
import sys

import clase5_support  # noqa: F401 - primero: agrega hands-on/ a sys.path
import httpx
import pytest
from clase5_support import FAST_FAIL_MLFLOW, HANDS_ON, READING
from lake_service import cli
from lake_service.app import create_app
from lake_service.champion import Served
from lake_service.problems import PROBLEM_MEDIA_TYPE
from lake_service.settings import Settings
from openapi_contract import assert_declared

from coursekit import BackgroundProcess, UvicornThread, free_port


class ConstantModel:
    def predict(self, frame):
        return [1] * len(frame)


@pytest.fixture
def offline(monkeypatch):
    """El servicio con un MLflow que no responde: arranca igual, sin modelo."""
    for var, value in FAST_FAIL_MLFLOW.items():
        monkeypatch.setenv(var, value)
    dead = f"http://127.0.0.1:{free_port()}"
    app = create_app(Settings(tracking_uri=dead, model_name="clase5-test-offline", poll_s=0))
    with UvicornThread(app).start(health_path="/health", timeout=30) as server:
        yield {"app": app, "url": server.url, "spec": app.openapi()}


def test_health_is_liveness_and_ignores_the_model(offline):
    response = httpx.get(offline["url"] + "/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert_declared(offline["spec"], response)


def test_ready_is_503_problem_until_a_champion_is_loaded(offline):
    response = httpx.get(offline["url"] + "/ready")
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert "MLflow no responde en http://127.0.0.1:" in response.json()["detail"]
    assert_declared(offline["spec"], response)

    offline["app"].state.champion.current = Served(ConstantModel(), "m", "7", "run-7", 0.25)
    ready = httpx.get(offline["url"] + "/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready" and ready.json()["version"] == "7"
    assert_declared(offline["spec"], ready)


def test_predict_without_model_is_503_problem(offline):
    response = httpx.post(offline["url"] + "/predict", json={"instances": [READING]})
    assert response.status_code == 503 and response.json()["title"] == "Sin modelo"
    assert (
        "No hay modelo cargado de models:/clase5-test-offline@champion"
        in (response.json()["detail"])
    )
    assert_declared(offline["spec"], response)


def test_reload_with_mlflow_down_is_503_problem(offline):
    response = httpx.post(offline["url"] + "/reload", timeout=30)
    assert response.status_code == 503 and response.json()["title"] == "Recarga fallida"
    assert response.json()["detail"].endswith("No hay modelo.")
    assert response.json()["serving_version"] is None
    assert_declared(offline["spec"], response)


def test_invalid_input_is_422_problem_naming_each_field(offline):
    offline["app"].state.champion.current = Served(ConstantModel(), "m", "7", "run-7", 0.25)
    bad = {"instances": [{**READING, "temperature": 900}, {"vibration": 1.0}]}
    response = httpx.post(offline["url"] + "/predict", json=bad)
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["instances.0.temperature"] == "debe ser menor o igual que 150"
    assert errors["instances.1.hours"] == "campo obligatorio"
    assert_declared(offline["spec"], response)
    empty = httpx.post(offline["url"] + "/predict", json={"instances": []})
    assert empty.status_code == 422
    assert_declared(offline["spec"], empty)
    ok = httpx.post(offline["url"] + "/predict", json={"instances": [READING]})
    assert ok.json() == {"predictions": [1], "model_version": "7"}
    assert_declared(offline["spec"], ok)


def test_every_error_is_declared_as_problem_json(offline):
    for path, operations in offline["spec"]["paths"].items():
        for method, operation in operations.items():
            for status, declared in operation["responses"].items():
                if not status.startswith("2"):
                    assert list(declared["content"]) == [PROBLEM_MEDIA_TYPE], (method, path)


def test_settings_from_env_defaults_and_checks():
    assert Settings.from_env({}) == Settings()
    assert Settings.from_env({"LAKE_SERVICE_POLL_S": "0"}).poll_s == 0
    cases = {
        "no es válido: debe ser development o production": {"APP_ENV": "produccion"},
        "debe ser un número de segundos": {"LAKE_SERVICE_POLL_S": "rápido"},
        "fuera de [0, 3600]": {"LAKE_SERVICE_POLL_S": "-1"},
        "debe usar https://": {"APP_ENV": "production"},
    }
    for message, environ in cases.items():
        with pytest.raises(ValueError, match=message.replace("[", r"\[")):
            Settings.from_env(environ)
    production = {"APP_ENV": "production", "MLFLOW_TRACKING_URI": "https://mlflow.interno"}
    assert Settings.from_env(production).app_env == "production"


def test_cli_rejects_invalid_configuration(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(SystemExit) as stop:
        cli.main(["--port", "0"])
    assert str(stop.value).startswith("error de configuración: APP_ENV=production")


def test_python_m_lake_service_fails_fast_when_mlflow_is_down(tmp_path):
    """`python -m lake_service` fija en su proceso un MLflow sin reintentos: con el servidor
    caído arranca enseguida, responde /health y /ready explica el motivo."""
    port = free_port()
    env = {"MLFLOW_TRACKING_URI": f"http://127.0.0.1:{free_port()}", "LAKE_SERVICE_POLL_S": "0"}
    service = BackgroundProcess(
        [sys.executable, "-m", "lake_service", "--port", str(port), "--log-level", "warning"],
        log_path=tmp_path / "service.log",
        cwd=HANDS_ON,
        env=env,
        name="lake_service",
    )
    with service.start(ready_url=f"http://127.0.0.1:{port}/health", timeout=60):
        ready = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=10)
    assert ready.status_code == 503 and "MLflow no responde" in ready.json()["detail"]


def test_python_m_lake_rejects_development_credentials_in_production():
    result = subprocess.run(
        [sys.executable, "-m", "lake", "setup"],
        cwd=HANDS_ON,
        env={"PATH": "/usr/bin:/bin", "APP_ENV": "production", "AWS_ACCESS_KEY_ID": "minioadmin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error de configuración: APP_ENV=production con las credenciales de desarrollo "
        "(minioadmin): usar un rol IAM (sin AWS_ACCESS_KEY_ID) o credenciales propias del entorno"
    )
