"""Pruebas de contrato de la API de iris: entradas buenas y malas en cada endpoint."""

from __future__ import annotations

import time

import httpx
import pytest
from clase1_helpers import contract_checked_client
from iris_api.app import create_app
from iris_api.contracts import MAX_BATCH_ROWS

from coursekit import UvicornThread

SETOSA = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
VIRGINICA_MM = {
    "sepal_length": 77,
    "sepal_width": 30,
    "petal_length": 61,
    "petal_width": 23,
    "unit": "mm",
}


def problem_fields(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 422 and body["title"] == "Entrada inválida"
    return {e["field"]: e["message"] for e in body["errors"]}


def test_health_and_ready(client):
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json() == {"status": "ready", "model_version": "test-1"}


def test_not_ready_without_model(tmp_path):
    app = create_app(model_path=tmp_path / "no-existe.joblib")
    with UvicornThread(app) as server, contract_checked_client(app, server.url) as http:
        ready = http.get("/ready")
        predict = http.post("/v2/predict", json=SETOSA)
        health = http.get("/health")
    assert ready.status_code == 503 and "iris_train.py" in ready.json()["detail"]
    assert predict.status_code == 503 and predict.json()["title"] == "Modelo no disponible"
    assert health.status_code == 200  # vivo aunque no esté listo


def test_predict_v1_and_deprecation_headers(client):
    response = client.post("/v1/predict", json=SETOSA)
    assert response.status_code == 200
    assert response.json() == {"species": "setosa"}
    assert response.headers["deprecation"].startswith("@")
    assert response.headers["sunset"].endswith("GMT")
    assert 'rel="successor-version"' in response.headers["link"]


def test_predict_v2_probabilities_and_units(client):
    body = client.post("/v2/predict", json=VIRGINICA_MM).json()
    assert body["species"] == "virginica"
    assert body["model_version"] == "test-1"
    assert set(body["probabilities"]) == {"setosa", "versicolor", "virginica"}
    assert abs(sum(body["probabilities"].values()) - 1) < 1e-3
    assert "deprecation" not in client.post("/v2/predict", json=SETOSA).headers


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({**SETOSA, "sepal_length": "abc"}, "sepal_length", "debe ser un número"),
        ({**SETOSA, "sepal_width": -1}, "sepal_width", "debe ser mayor que 0"),
        ({k: v for k, v in SETOSA.items() if k != "petal_width"}, "petal_width", "obligatorio"),
        ({**SETOSA, "unit": "in"}, "unit", "debe ser uno de: 'cm' o 'mm'"),
        ({**SETOSA, "colour": "blue"}, "colour", "campo no permitido"),
        ({**SETOSA, "petal_width": 3.0}, "(cuerpo)", "petal_width no puede ser mayor"),
        ({**SETOSA, "sepal_length": 51}, "(cuerpo)", "supera el máximo plausible"),
    ],
)
def test_predict_rejects_bad_input_with_field_and_reason(client, payload, field, message):
    for path in ("/v1/predict", "/v2/predict"):
        fields = problem_fields(client.post(path, json=payload))
        assert message in fields[field]


def test_nan_and_broken_json(client):
    nan = '{"sepal_length": NaN, "sepal_width": 3, "petal_length": 1, "petal_width": 0.2}'
    headers = {"content-type": "application/json"}
    fields = problem_fields(client.post("/v2/predict", content=nan, headers=headers))
    assert "finito" in fields["sepal_length"]
    fields = problem_fields(client.post("/v2/predict", content='{"sepal', headers=headers))
    assert "no es JSON válido" in fields["(cuerpo)"]


def test_batch_v1_and_v2(client):
    rows = [SETOSA, VIRGINICA_MM] * 5
    v1 = client.post("/v1/predict/batch", json={"rows": rows}).json()
    assert v1 == {"species": ["setosa", "virginica"] * 5, "n_rows": 10}
    instances = [[5.1, 3.5, 1.4, 0.2], [7.7, 3.0, 6.1, 2.3]] * 5
    v2 = client.post("/v2/predict/batch", json={"instances": instances}).json()
    assert v2["species"] == v1["species"] and v2["model_version"] == "test-1"
    assert v2["classes"] == ["setosa", "versicolor", "virginica"]
    assert len(v2["probabilities"]) == 10 and len(v2["probabilities"][0]) == 3


def test_v2_batch_in_mm_matches_cm(client):
    cm = client.post("/v2/predict/batch", json={"instances": [[7.7, 3.0, 6.1, 2.3]]}).json()
    mm = client.post(
        "/v2/predict/batch", json={"unit": "mm", "instances": [[77, 30, 61, 23]]}
    ).json()
    assert cm["species"] == mm["species"] == ["virginica"]


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"instances": [[5.1, 3.5, 1.4]]}, "instances.0", "al menos 4"),
        (
            {"instances": [[5.1, 3.5, 1.4, 0.2], [5.1, -1, 1.4, 0.2]]},
            "instances.1.sepal_width",
            "mayor que 0",
        ),
        ({"instances": [[5.1, 3.5, 1.4, "x"]]}, "instances.0.petal_width", "número"),
        ({"instances": []}, "instances", "al menos 1"),
        (
            {"instances": [[5.1, 3.5, 1.4, 0.2]] * 10_001},
            "instances",
            "admite como máximo 10000 elementos y se recibieron 10001",
        ),
        (
            {"instances": [[5.1, 3.5, 1.4, 0.2], [5.1, 3.5, 1.4, 2.0]]},
            "(cuerpo)",
            "filas [1] (1 en total): petal_width mayor que petal_length",
        ),
        ({"instances": [[51, 35, 14, 2]] * 7}, "(cuerpo)", "filas [0, 1, 2, 3, 4, …] (7 en total)"),
        ({"rows": [SETOSA]}, "rows", "campo no permitido"),
    ],
)
def test_v2_batch_rejects_bad_input(client, payload, field, message):
    fields = problem_fields(client.post("/v2/predict/batch", json=payload))
    assert message in fields[field]


def test_v1_batch_limits_and_row_errors(client):
    too_many = {"rows": [SETOSA] * (MAX_BATCH_ROWS + 1)}
    fields = problem_fields(client.post("/v1/predict/batch", json=too_many))
    assert fields["rows"] == "admite como máximo 10000 elementos y se recibieron 10001"
    empty = problem_fields(client.post("/v1/predict/batch", json={"rows": []}))
    assert "al menos 1" in empty["rows"]
    bad_row = {"rows": [SETOSA, {**SETOSA, "petal_length": 0}]}
    assert (
        "mayor que 0"
        in problem_fields(client.post("/v1/predict/batch", json=bad_row))["rows.1.petal_length"]
    )


def wait_job(client, job_id: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/v1/jobs/{job_id}").json()
        if status["status"] in ("succeeded", "failed"):
            return status
        time.sleep(0.05)
    raise TimeoutError(job_id)


def test_async_job_lifecycle_and_pagination(client):
    rows = [SETOSA] * 2500 + [VIRGINICA_MM] * 500
    created = client.post("/v1/jobs", json={"rows": rows})
    assert created.status_code == 202
    job = created.json()
    assert job["status"] == "pending" and created.headers["location"] == job["status_url"]
    assert "deprecation" not in created.headers  # los trabajos no cambiaron en v2
    assert wait_job(client, job["job_id"])["status"] == "succeeded"
    first = client.get(job["result_url"], params={"limit": 2000}).json()
    assert first["total"] == 3000 and len(first["items"]) == 2000
    second = client.get(first["next"]).json()
    assert second["next"] is None and second["items"][-1] == "virginica"


def test_job_errors(client):
    assert client.get("/v1/jobs/nope").status_code == 404
    assert client.get("/v1/jobs/nope/result").json()["title"] == "Trabajo inexistente"
    assert client.get("/v1/jobs/x/result", params={"limit": MAX_BATCH_ROWS + 1}).status_code == 422


def test_job_result_before_finished_is_409(model_path):
    # Un modelo lento a propósito para ver el 409 sin carreras.
    app = create_app(model_path=model_path)
    with UvicornThread(app) as server, contract_checked_client(app, server.url) as http:
        real_predict = app.state.model.predict
        app.state.model.predict = lambda x: (time.sleep(1), real_predict(x))[1]
        job = http.post("/v1/jobs", json={"rows": [SETOSA]}).json()
        early = http.get(job["result_url"])
        assert early.status_code == 409 and "reintentar" in early.json()["detail"]


def test_idempotency_key_returns_same_job(client):
    headers = {"Idempotency-Key": "pedido-123"}
    first = client.post("/v1/jobs", json={"rows": [SETOSA]}, headers=headers).json()
    second = client.post("/v1/jobs", json={"rows": [SETOSA]}, headers=headers).json()
    assert first["job_id"] == second["job_id"]


def test_metrics_and_request_id(client):
    response = client.post("/v2/predict", json=SETOSA, headers={"X-Request-ID": "abc-1"})
    assert response.headers["x-request-id"] == "abc-1"
    text = client.get("/metrics").text
    assert 'http_requests_total{method="POST",route="/v2/predict",status="200"}' in text
    assert 'route="/v1/jobs/{job_id}"' in text or "job_id" not in text  # plantilla, no la URL
    assert "http_request_duration_seconds_bucket" in text
    assert 'model_predicted_rows_total{api_version="v2",model_version="test-1"}' in text


def test_openapi_has_examples_and_versions(client):
    spec = client.get("/openapi.json").json()
    assert {"/v1/predict", "/v2/predict", "/v1/jobs", "/health", "/ready"} <= set(spec["paths"])
    assert spec["paths"]["/v1/predict"]["post"]["deprecated"] is True
    example = spec["components"]["schemas"]["IrisFeatures"]["examples"][0]
    assert example["unit"] == "cm"
