import pytest
from fastapi.testclient import TestClient

from mi_proyecto.app import create_app
from mi_proyecto.config import Settings

KEY = {"X-API-Key": "clave-de-prueba"}
PROBLEM = "application/problem+json"


@pytest.fixture()
def app(model_path):
    return create_app(Settings(model_uri=str(model_path), api_key="clave-de-prueba"))


@pytest.fixture()
def client(app):
    with TestClient(app) as client:
        yield client


def assert_declared(app, response) -> None:
    """El código y el media type de la respuesta figuran en el documento OpenAPI."""
    operation = app.openapi()["paths"][response.request.url.path][response.request.method.lower()]
    declared = operation["responses"][str(response.status_code)].get("content", {})
    assert response.headers["content-type"].split(";")[0] in declared


def test_health_is_public(app, client):
    response = client.get("/health")
    assert response.json() == {"status": "ok"}
    assert_declared(app, response)


def test_ready_once_the_model_is_loaded(app, client):
    response = client.get("/ready")
    assert response.status_code == 200 and response.json()["status"] == "ready"
    assert_declared(app, response)


def test_not_ready_without_model(tmp_path):
    app = create_app(Settings(model_uri=str(tmp_path / "no-existe.joblib")))
    with TestClient(app) as client:
        assert client.get("/health").status_code == 200  # liveness no mira el modelo
        response = client.get("/ready")
        assert response.status_code == 503 and "no-existe" in response.json()["detail"]
        assert_declared(app, response)


def test_prediction_with_key(app, client):
    response = client.post("/v1/predict", json={"instances": [{"x1": 9, "x2": 9}]}, headers=KEY)
    assert response.status_code == 200
    assert response.json()["predictions"][0] > 0.5
    assert_declared(app, response)


def test_missing_key_is_401_problem(app, client):
    response = client.post("/v1/predict", json={"instances": [{"x1": 1, "x2": 1}]})
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert_declared(app, response)


def test_invalid_input_is_422_naming_the_field(app, client):
    response = client.post("/v1/predict", json={"instances": [{"x1": 99}]}, headers=KEY)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"instances.0.x1", "instances.0.x2"}
    assert_declared(app, response)
