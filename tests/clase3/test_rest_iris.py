"""La API REST de la comparación: predice lo mismo que el modelo, sus errores son
problem+json que nombran fila y columna, y el OpenAPI declara cada respuesta."""

from __future__ import annotations

import numpy as np
import pytest
from clase3_helpers import SETOSA, rows
from fastapi.testclient import TestClient
from openapi_contract import assert_declared
from rest_iris.app import create_app
from rest_iris.settings import DEFAULT_MODEL_PATH, Settings


@pytest.fixture(scope="module")
def app(model_path):
    return create_app(Settings(model_path=model_path))


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as test_client:  # `with`: corre el lifespan (carga el modelo)
        yield test_client


def test_predict_batch_matches_model(app, client, bundle):
    matrix = rows(50)
    response = client.post("/predict/batch", json={"instances": matrix.tolist()})
    assert response.status_code == 200
    assert_declared(app.openapi(), response)
    body = response.json()
    expected = bundle["model"].predict_proba(matrix)
    assert body["classes"] == bundle["classes"] and body["model_version"] == bundle["version"]
    assert body["species"] == [bundle["classes"][i] for i in expected.argmax(axis=1)]
    np.testing.assert_allclose(body["probabilities"], expected.round(4))


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"instances": [SETOSA, [5.1, 3.5, -1.4, 0.2]]}, "instances.1.petal_length", "mayor que 0"),
        ({"instances": [SETOSA[:3]]}, "instances.0", "al menos 4"),
        ({"instances": []}, "instances", "al menos 1"),
        ({"instances": [SETOSA], "unit": "cm"}, "unit", "campo no permitido"),
        ({"rows": [SETOSA]}, "instances", "campo obligatorio"),
    ],
)
def test_invalid_input_is_a_problem_naming_the_field(app, client, body, field, fragment):
    response = client.post("/predict/batch", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert_declared(app.openapi(), response)
    errors = response.json()["errors"]
    assert any(e["field"] == field and fragment in e["message"] for e in errors), errors


def test_too_many_rows_is_rejected(app, client):
    response = client.post("/predict/batch", json={"instances": [SETOSA] * 10_001})
    assert response.status_code == 422
    assert_declared(app.openapi(), response)
    assert "admite como máximo 10000" in response.json()["errors"][0]["message"]


def test_health_and_ready(app, client, bundle):
    for path, expected in [
        ("/health", {"status": "ok"}),
        ("/ready", {"status": "ready", "model_version": bundle["version"]}),
    ]:
        response = client.get(path)
        assert response.status_code == 200 and response.json() == expected
        assert_declared(app.openapi(), response)


def test_not_ready_before_the_model_loads(model_path):
    app = create_app(Settings(model_path=model_path))
    response = TestClient(app).get("/ready")  # sin `with`: el lifespan no corrió, no hay modelo
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert_declared(app.openapi(), response)


@pytest.mark.parametrize(
    ("environ", "fragment"),
    [
        ({"APP_ENV": "produccion"}, "APP_ENV='produccion' no es válido"),
        ({"APP_ENV": "production"}, "APP_ENV=production exige MODEL_PATH"),
        ({"MODEL_PATH": "/no/existe.joblib"}, "python iris_model.py --output"),
    ],
)
def test_settings_reject_bad_configuration(environ, fragment):
    with pytest.raises(ValueError) as caught:
        Settings.from_env(environ)
    assert fragment in str(caught.value)


def test_settings_default_model_path_is_next_to_the_code():
    assert DEFAULT_MODEL_PATH.parent.name == "artifacts"
    assert DEFAULT_MODEL_PATH.parent.parent.name == "hands-on"
