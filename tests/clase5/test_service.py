"""El servicio de predicción: carga el campeón, recarga cuando el alias se mueve y, si la recarga
falla (alias inexistente, MLflow caído), sigue sirviendo la versión anterior con un error claro."""

from __future__ import annotations

import time

import httpx
import lake_model_service
import pytest
from mlflow import MlflowClient

from coursekit import UvicornThread, free_port

READING = {"temperature": 80.0, "vibration": 6.0, "pressure": 30.0, "hours": 3000.0}


@pytest.fixture
def service(served_model):
    """El servicio real por HTTP, sin sondeo (las recargas se piden con POST /reload)."""
    cfg = served_model["config"]
    client = MlflowClient(cfg.tracking_uri)
    client.set_registered_model_alias(cfg.model_name, "champion", "1")
    settings = lake_model_service.Settings(model_name=cfg.model_name, poll_s=0)
    app = lake_model_service.create_app(settings)
    with UvicornThread(app).start(health_path="/health", timeout=60) as server:
        yield {"url": server.url, "app": app, "client": client, "name": cfg.model_name}
    client.set_registered_model_alias(cfg.model_name, "champion", "1")


def test_carga_el_campeon_al_arrancar(service):
    health = httpx.get(service["url"] + "/health").json()
    assert health["status"] == "ok" and health["version"] == "1" and health["alias"] == "champion"
    response = httpx.post(service["url"] + "/predict", json={"instances": [READING]})
    assert response.status_code == 200
    assert response.json()["model_version"] == "1" and response.json()["predictions"][0] in (0, 1)


def test_recarga_cuando_el_alias_se_mueve(service):
    service["client"].set_registered_model_alias(service["name"], "champion", "2")
    reloaded = httpx.post(service["url"] + "/reload", timeout=60).json()
    assert reloaded["changed"] is True and reloaded["previous"] == "1"
    assert reloaded["version"] == "2"
    assert httpx.get(service["url"] + "/health").json()["version"] == "2"
    again = httpx.post(service["url"] + "/reload", timeout=60).json()
    assert again["changed"] is False


def test_alias_inexistente_sigue_sirviendo_la_anterior(service):
    service["client"].delete_registered_model_alias(service["name"], "champion")
    response = httpx.post(service["url"] + "/reload", timeout=30)
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail["serving_version"] == "1"
    assert f"no existe models:/{service['name']}@champion" in detail["error"]
    health = httpx.get(service["url"] + "/health").json()
    assert health["version"] == "1" and health["last_error"] == detail["error"]
    predicted = httpx.post(service["url"] + "/predict", json={"instances": [READING]})
    assert predicted.status_code == 200 and predicted.json()["model_version"] == "1"


def test_mlflow_caido_sigue_sirviendo_la_anterior(service):
    holder = service["app"].state.holder
    real = holder.settings.tracking_uri
    holder.settings.tracking_uri = f"http://127.0.0.1:{free_port()}"
    try:
        started = time.perf_counter()
        response = httpx.post(service["url"] + "/reload", timeout=30)
        assert time.perf_counter() - started < 15  # falla rápido, no se cuelga
    finally:
        holder.settings.tracking_uri = real
    assert response.status_code == 503
    assert "MLflow no responde en http://127.0.0.1:" in response.json()["detail"]["error"]
    assert response.json()["detail"]["serving_version"] == "1"
    assert httpx.post(service["url"] + "/predict", json={"instances": [READING]}).status_code == 200


def test_sin_campeon_arranca_pero_no_sirve(served_model):
    cfg = served_model["config"]
    settings = lake_model_service.Settings(model_name=cfg.model_name, alias="nadie", poll_s=0)
    with UvicornThread(lake_model_service.create_app(settings)).start() as server:
        health = httpx.get(server.url + "/health", timeout=10)
        predicted = httpx.post(server.url + "/predict", json={"instances": [READING]}, timeout=10)
    assert health.status_code == 503 and "alias 'nadie'" in health.json()["detail"]["last_error"]
    assert predicted.status_code == 503


def test_entrada_invalida_422_con_el_campo(service):
    bad = {"instances": [{**READING, "temperature": 900}, {"vibration": 1.0}]}
    response = httpx.post(service["url"] + "/predict", json=bad)
    assert response.status_code == 422
    fields = {tuple(e["loc"][1:]) for e in response.json()["detail"]}
    assert ("instances", 0, "temperature") in fields and ("instances", 1, "hours") in fields
    empty = httpx.post(service["url"] + "/predict", json={"instances": []})
    assert empty.status_code == 422


def test_el_sondeo_sigue_al_alias(served_model):
    cfg = served_model["config"]
    client = MlflowClient(cfg.tracking_uri)
    settings = lake_model_service.Settings(model_name=cfg.model_name, poll_s=0.3)
    try:
        with UvicornThread(lake_model_service.create_app(settings)).start(
            health_path="/health", timeout=60
        ) as server:
            assert httpx.get(server.url + "/health").json()["version"] == "1"
            client.set_registered_model_alias(cfg.model_name, "champion", "2")
            deadline = time.monotonic() + 30
            while httpx.get(server.url + "/health").json()["version"] != "2":
                assert time.monotonic() < deadline, "el sondeo no recargó en 30 s"
                time.sleep(0.1)
    finally:
        client.set_registered_model_alias(cfg.model_name, "champion", "1")
