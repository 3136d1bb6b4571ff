"""El servicio de predicción contra el MLflow del stack: carga el campeón, recarga cuando el
alias se mueve y, si la recarga falla (alias inexistente, MLflow caído), sigue sirviendo la
versión anterior con un error claro. Cada respuesta está declarada en su documento OpenAPI."""

from __future__ import annotations

import time

import clase5_support  # noqa: F401 - primero: agrega hands-on/ a sys.path
import httpx
import pytest
from clase5_support import FAST_FAIL_MLFLOW, READING
from lake_service.app import create_app
from lake_service.settings import Settings
from mlflow import MlflowClient
from openapi_contract import assert_declared

from coursekit import UvicornThread, free_port


@pytest.fixture
def fast_fail(monkeypatch):
    """El cliente de MLflow del proceso como lo deja `python -m lake_service`."""
    for var, value in FAST_FAIL_MLFLOW.items():
        monkeypatch.setenv(var, value)


@pytest.fixture
def service(served_model, fast_fail):
    """El servicio real por HTTP, sin sondeo (las recargas se piden con POST /reload)."""
    cfg = served_model["config"]
    client = MlflowClient(cfg.tracking_uri)
    client.set_registered_model_alias(cfg.model_name, "champion", "1")
    settings = Settings(tracking_uri=cfg.tracking_uri, model_name=cfg.model_name, poll_s=0)
    app = create_app(settings)
    with UvicornThread(app).start(health_path="/ready", timeout=60) as server:
        yield {
            "url": server.url,
            "app": app,
            "spec": app.openapi(),
            "client": client,
            "name": cfg.model_name,
        }
    client.set_registered_model_alias(cfg.model_name, "champion", "1")


def get(service, path: str) -> httpx.Response:
    response = httpx.get(service["url"] + path, timeout=30)
    assert_declared(service["spec"], response)
    return response


def post(service, path: str, **kwargs) -> httpx.Response:
    response = httpx.post(service["url"] + path, timeout=60, **kwargs)
    assert_declared(service["spec"], response)
    return response


def test_loads_the_champion_at_startup(service):
    assert get(service, "/health").json() == {"status": "ok"}
    ready = get(service, "/ready").json()
    assert ready["status"] == "ready" and ready["version"] == "1" and ready["alias"] == "champion"
    response = post(service, "/predict", json={"instances": [READING]})
    assert response.status_code == 200
    assert response.json()["model_version"] == "1" and response.json()["predictions"][0] in (0, 1)


def test_reloads_when_the_alias_moves(service):
    service["client"].set_registered_model_alias(service["name"], "champion", "2")
    reloaded = post(service, "/reload").json()
    assert reloaded["changed"] is True and reloaded["previous_version"] == "1"
    assert reloaded["version"] == "2"
    assert get(service, "/ready").json()["version"] == "2"
    again = post(service, "/reload").json()
    assert again["changed"] is False and again["version"] == "2"


def test_missing_alias_keeps_serving_the_previous_version(service):
    service["client"].delete_registered_model_alias(service["name"], "champion")
    response = post(service, "/reload")
    assert response.status_code == 404 and response.json()["title"] == "Alias inexistente"
    detail = response.json()["detail"]
    assert f"no existe models:/{service['name']}@champion" in detail
    assert detail.endswith("Se sigue sirviendo la versión 1.")
    assert response.json()["serving_version"] == "1"
    ready = get(service, "/ready").json()
    assert ready["version"] == "1" and ready["last_error"] in detail
    predicted = post(service, "/predict", json={"instances": [READING]})
    assert predicted.status_code == 200 and predicted.json()["model_version"] == "1"


def test_mlflow_down_keeps_serving_the_previous_version(service):
    champion = service["app"].state.champion
    real = champion.tracking_uri
    champion.tracking_uri = f"http://127.0.0.1:{free_port()}"  # nadie escucha ahí
    try:
        started = time.perf_counter()
        response = post(service, "/reload")
        assert time.perf_counter() - started < 15  # falla rápido, no se cuelga
    finally:
        champion.tracking_uri = real
    assert response.status_code == 503 and response.json()["title"] == "Recarga fallida"
    assert "MLflow no responde en http://127.0.0.1:" in response.json()["detail"]
    assert response.json()["detail"].endswith("Se sigue sirviendo la versión 1.")
    assert response.json()["serving_version"] == "1"
    assert post(service, "/predict", json={"instances": [READING]}).status_code == 200


def test_without_champion_it_is_alive_but_not_ready(served_model, fast_fail):
    cfg = served_model["config"]
    settings = Settings(
        tracking_uri=cfg.tracking_uri, model_name=cfg.model_name, alias="nadie", poll_s=0
    )
    app = create_app(settings)
    with UvicornThread(app).start(health_path="/health", timeout=60) as server:
        health = httpx.get(server.url + "/health", timeout=10)
        ready = httpx.get(server.url + "/ready", timeout=10)
        predicted = httpx.post(server.url + "/predict", json={"instances": [READING]}, timeout=10)
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert ready.status_code == 503 and "alias 'nadie'" in ready.json()["detail"]
    assert predicted.status_code == 503
    for response in (health, ready, predicted):
        assert_declared(app.openapi(), response)


def test_polling_follows_the_alias(served_model, fast_fail):
    cfg = served_model["config"]
    client = MlflowClient(cfg.tracking_uri)
    settings = Settings(tracking_uri=cfg.tracking_uri, model_name=cfg.model_name, poll_s=0.3)
    try:
        with UvicornThread(create_app(settings)).start(health_path="/ready", timeout=60) as server:
            assert httpx.get(server.url + "/ready").json()["version"] == "1"
            client.set_registered_model_alias(cfg.model_name, "champion", "2")
            deadline = time.monotonic() + 30
            while httpx.get(server.url + "/ready").json()["version"] != "2":
                assert time.monotonic() < deadline, "el sondeo no recargó en 30 s"
                time.sleep(0.1)
    finally:
        client.set_registered_model_alias(cfg.model_name, "champion", "1")
