"""Cada respuesta de la API, de éxito o de error, está declarada en su OpenAPI (con su media type).

El cliente de `conftest.py` ya verifica toda respuesta de las demás pruebas; acá se recorre a
propósito cada camino de error de cada endpoint.
"""

from __future__ import annotations

import time

import httpx
import pytest
from iris_api.app import create_app
from openapi_contract import assert_declared

from coursekit import UvicornThread

SETOSA = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
PROBLEM = "application/problem+json"


def call(api, method: str, path: str, **kwargs) -> httpx.Response:
    app, url = api
    response = httpx.request(method, url + path, timeout=10, **kwargs)
    assert_declared(app.openapi(), response)
    return response


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("POST", "/v1/predict", {"json": SETOSA}, 200),
        ("POST", "/v1/predict", {"json": {"sepal_length": 1}}, 422),
        ("POST", "/v1/predict/batch", {"json": {"rows": [SETOSA]}}, 200),
        ("POST", "/v1/predict/batch", {"json": {"rows": []}}, 422),
        ("POST", "/v2/predict", {"json": SETOSA}, 200),
        (
            "POST",
            "/v2/predict",
            {"content": b"{", "headers": {"content-type": "application/json"}},
            422,
        ),
        ("POST", "/v2/predict/batch", {"json": {"instances": [[5.1, 3.5, 1.4, 0.2]]}}, 200),
        ("POST", "/v2/predict/batch", {"json": {"instances": [[1, 2]]}}, 422),
        ("POST", "/v1/jobs", {"json": {"rows": [SETOSA]}}, 202),
        (
            "POST",
            "/v1/jobs",
            {"json": {"rows": [SETOSA]}, "headers": {"Idempotency-Key": "x" * 201}},
            422,
        ),
        ("GET", "/v1/jobs/no-existe", {}, 404),
        ("GET", "/v1/jobs/no-existe/result", {}, 404),
        ("GET", "/v1/jobs/no-existe/result", {"params": {"offset": -1}}, 422),
        ("GET", "/health", {}, 200),
        ("GET", "/ready", {}, 200),
        ("GET", "/metrics", {}, 200),
    ],
)
def test_every_response_is_declared(api, method, path, kwargs, status):
    response = call(api, method, path, **kwargs)
    assert response.status_code == status
    if status >= 400:
        assert response.headers["content-type"] == PROBLEM


def test_job_lifecycle_responses_are_declared(api):
    job = call(api, "POST", "/v1/jobs", json={"rows": [SETOSA] * 10}).json()
    deadline = time.monotonic() + 30
    while call(api, "GET", job["status_url"]).json()["status"] != "succeeded":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert call(api, "GET", job["result_url"]).json()["total"] == 10


def test_conflict_is_declared(model_path):
    app = create_app(model_path=model_path)
    with UvicornThread(app) as server:
        app.state.model.predict = lambda x: time.sleep(1) or ["setosa"] * len(x)
        job = httpx.post(server.url + "/v1/jobs", json={"rows": [SETOSA]}).json()
        early = httpx.get(server.url + job["result_url"])
    assert early.status_code == 409 and early.headers["content-type"] == PROBLEM
    assert_declared(app.openapi(), early)


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("POST", "/v1/predict", {"json": SETOSA}),
        ("POST", "/v1/predict/batch", {"json": {"rows": [SETOSA]}}),
        ("POST", "/v2/predict", {"json": SETOSA}),
        ("POST", "/v2/predict/batch", {"json": {"instances": [[5.1, 3.5, 1.4, 0.2]]}}),
        ("POST", "/v1/jobs", {"json": {"rows": [SETOSA]}}),
        ("GET", "/ready", {}),
    ],
)
def test_not_ready_is_declared(tmp_path, method, path, kwargs):
    app = create_app(model_path=tmp_path / "no-existe.joblib")
    with UvicornThread(app) as server:
        response = httpx.request(method, server.url + path, **kwargs)
    assert response.status_code == 503 and response.headers["content-type"] == PROBLEM
    assert_declared(app.openapi(), response)


def test_unexpected_error_is_problem_json_and_declared(model_path):
    app = create_app(model_path=model_path)

    def broken(x):
        raise RuntimeError("falla interna que el cliente no debe ver")

    with UvicornThread(app, log_level="critical") as server:
        app.state.model.predict_proba = broken
        response = httpx.post(server.url + "/v2/predict", json=SETOSA)
        metrics = httpx.get(server.url + "/metrics").text
    assert response.status_code == 500 and response.headers["content-type"] == PROBLEM
    assert "falla interna" not in response.text
    assert_declared(app.openapi(), response)
    assert 'http_requests_total{method="POST",route="/v2/predict",status="500"} 1.0' in metrics
