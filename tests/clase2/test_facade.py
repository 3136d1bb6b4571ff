"""La fachada: el registro de MLflow y la API de predicción de la clase (`iris_service/`) en un
campo.

La API corre como otro proceso, arrancada con su propia línea de comandos
(`python -m iris_service train`, `python -m iris_service serve`), igual que en el notebook 5: la
fachada solo la conoce por HTTP.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from clase2_support import HANDS_ON, SET_ALIAS, data
from mlflow_graphql.app import create_app
from mlflow_graphql.settings import Settings

from coursekit import BackgroundProcess, UvicornThread, free_port

DEPLOYMENT = """{ deployment(model: "iris-classifier") { champion { version }
    serving { reachable ready modelVersion error } inSync summary } }"""


@pytest.fixture(scope="module")
def prediction_api(tmp_path_factory):
    """La API de predicción real, sirviendo un modelo etiquetado como versión 2 del registro."""
    folder = tmp_path_factory.mktemp("iris_service")
    model = folder / "iris.joblib"
    subprocess.run(
        [sys.executable, "-m", "iris_service", "train", "--output", model, "--version", "2"],
        cwd=HANDS_ON,
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    api = BackgroundProcess(
        [sys.executable, "-m", "iris_service", "serve", "--model", str(model), "--port", str(port)],
        log_path=folder / "iris_service.log",
        cwd=HANDS_ON,
        name="iris_service",
    )
    with api.start(ready_url=f"http://127.0.0.1:{port}/ready", timeout=120):
        yield f"http://127.0.0.1:{port}"


def test_deployment_joins_registry_and_serving_api(seed_store, prediction_api):
    settings = Settings(tracking_uri=seed_store.tracking_uri, prediction_api_url=prediction_api)
    with UvicornThread(create_app(settings)).start(health_path="/ready") as server:
        deployment = data(server.url, DEPLOYMENT)["deployment"]
    assert deployment["champion"] == {"version": 2}
    assert deployment["serving"] == {
        "reachable": True,
        "ready": True,
        "modelVersion": "2",
        "error": None,
    }
    assert deployment["inSync"] is True and "sirve la versión champion (2)" in deployment["summary"]


def test_deployment_detects_a_pending_rollout(mutable_store, prediction_api):
    settings = Settings(tracking_uri=mutable_store.tracking_uri, prediction_api_url=prediction_api)
    with UvicornThread(create_app(settings)).start(health_path="/ready") as server:
        data(
            server.url,
            SET_ALIAS,
            {"i": {"modelName": "iris-classifier", "alias": "champion", "version": 3}},
        )
        deployment = data(server.url, DEPLOYMENT)["deployment"]
    assert deployment["inSync"] is False and "falta desplegar" in deployment["summary"]


def test_deployment_survives_the_other_service_being_down(seed_store):
    dead = f"http://127.0.0.1:{free_port()}"
    settings = Settings(tracking_uri=seed_store.tracking_uri, prediction_api_url=dead)
    with UvicornThread(create_app(settings)).start(health_path="/ready") as server:
        start = time.monotonic()
        deployment = data(server.url, DEPLOYMENT)["deployment"]
        elapsed = time.monotonic() - start
    assert deployment["champion"] == {"version": 2}  # MLflow responde igual
    assert deployment["serving"]["reachable"] is False and deployment["inSync"] is False
    assert "no se pudo conectar" in deployment["serving"]["error"]
    assert elapsed < settings.http_timeout_s + 5
