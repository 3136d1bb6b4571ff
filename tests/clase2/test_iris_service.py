"""La API de predicción de la clase (`iris_service/`): `/ready` informa la versión que sirve,
`/predict` responde especie y probabilidades, toda entrada inválida es un 422 problem+json que
nombra el campo, y el documento OpenAPI declara cada respuesta."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
from clase2_support import HANDS_ON
from iris_service import model
from iris_service.app import create_app
from iris_service.settings import Settings
from openapi_contract import assert_declared

from coursekit import UvicornThread

PROBLEM = "application/problem+json"
SETOSA = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}


@pytest.fixture(scope="module")
def bundle_path(tmp_path_factory):
    return model.save(model.train(version="7"), tmp_path_factory.mktemp("iris") / "iris.joblib")


@pytest.fixture(scope="module")
def api(bundle_path):
    app = create_app(Settings(model_path=bundle_path))
    with UvicornThread(app).start(health_path="/ready") as server:
        yield server.url, app.openapi()


def test_training_is_deterministic():
    first, second = model.train(), model.train()
    assert first["test_accuracy"] == second["test_accuracy"] > 0.85
    assert first["classes"] == ["setosa", "versicolor", "virginica"]


def test_ready_reports_the_served_version(api):
    url, spec = api
    health, ready = httpx.get(f"{url}/health"), httpx.get(f"{url}/ready")
    assert health.json() == {"status": "ok"}
    assert ready.json() == {"status": "ready", "model_version": "7"}
    for response in (health, ready):
        assert_declared(spec, response)


def test_predict_answers_species_probabilities_and_version(api):
    url, spec = api
    response = httpx.post(f"{url}/predict", json=SETOSA)
    body = response.json()
    assert response.status_code == 200 and body["species"] == "setosa"
    assert body["model_version"] == "7"
    assert set(body["probabilities"]) == {"setosa", "versicolor", "virginica"}
    assert abs(sum(body["probabilities"].values()) - 1) < 1e-3
    assert_declared(spec, response)


@pytest.mark.parametrize(
    ("flower", "field", "message"),
    [
        ({**SETOSA, "petal_width": -1}, "petal_width", "debe ser mayor que 0"),
        ({**SETOSA, "sepal_length": "mucho"}, "sepal_length", "debe ser un número"),
        ({k: v for k, v in SETOSA.items() if k != "petal_length"}, "petal_length", "obligatorio"),
        ({**SETOSA, "color": "azul"}, "color", "campo no permitido"),
    ],
    ids=["negative", "not-a-number", "missing", "extra-field"],
)
def test_invalid_flowers_get_a_422_problem_naming_the_field(api, flower, field, message):
    url, spec = api
    response = httpx.post(f"{url}/predict", json=flower)
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    [error] = response.json()["errors"]
    assert error["field"] == field and message in error["message"]
    assert_declared(spec, response)


def test_unknown_route_is_a_404_problem(api):
    url, _ = api
    response = httpx.get(f"{url}/predecir")
    assert response.status_code == 404 and response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"APP_ENV": "produccion"}, "APP_ENV='produccion' no es válido"),
        ({"APP_ENV": "production"}, "APP_ENV=production exige MODEL_PATH"),
        ({"MODEL_PATH": "/no/existe.joblib"}, "python -m iris_service train"),
    ],
    ids=["unknown-env", "production-without-model-path", "missing-model"],
)
def test_invalid_configuration_fails_with_a_clear_message(environ, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        Settings.from_env(environ)


def test_cli_refuses_to_serve_a_missing_model():
    result = subprocess.run(
        [sys.executable, "-m", "iris_service", "serve", "--model", "/no/existe.joblib"],
        cwd=HANDS_ON,
        env={**os.environ, "APP_ENV": "development"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Configuración inválida: MODEL_PATH=/no/existe.joblib no existe" in result.stderr
