import pytest
from fastapi.testclient import TestClient

from mi_proyecto.api import create_app
from mi_proyecto.config import Settings

KEY = {"X-API-Key": "clave-de-prueba"}


@pytest.fixture()
def client(model_path):
    settings = Settings(model_uri=str(model_path), api_key="clave-de-prueba")
    with TestClient(create_app(settings)) as client:
        yield client


def test_health_es_publico(client):
    assert client.get("/health").json() == {"status": "ok"}


def test_prediccion_con_clave(client):
    response = client.post("/v1/predict", json={"instances": [{"x1": 9, "x2": 9}]}, headers=KEY)
    assert response.status_code == 200
    assert response.json()["predictions"][0] > 0.5


def test_sin_clave_401(client):
    response = client.post("/v1/predict", json={"instances": [{"x1": 1, "x2": 1}]})
    assert response.status_code == 401


def test_entrada_invalida_422_con_el_campo(client):
    response = client.post("/v1/predict", json={"instances": [{"x1": 99}]}, headers=KEY)
    assert response.status_code == 422
    fields = {tuple(e["loc"][-1:]) for e in response.json()["detail"]}
    assert fields == {("x1",), ("x2",)}
