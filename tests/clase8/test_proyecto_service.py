"""La API del proyecto sin servicios: un campeón fijo en memoria en lugar de MLflow.

Cada respuesta (éxitos y errores) se contrasta con el documento OpenAPI (`assert_declared`).
"""

from __future__ import annotations

import time

import jwt
import pytest
from fastapi.testclient import TestClient
from openapi_contract import assert_declared
from proyecto_ref import app as app_module
from proyecto_ref import data, training
from proyecto_ref.auth import create_token
from proyecto_ref.champion import Served
from proyecto_ref.config import DEV_API_KEY, Settings

KEY = {"X-API-Key": DEV_API_KEY}
PROBLEM = "application/problem+json"
CUSTOMER = {"tenure_months": 3, "monthly_charge": 120, "complaints": 4, "data_usage_gb": 2}


class FixedChampion:
    """Lo que la app usa de ChampionWatcher, con un modelo fijo (o ninguno)."""

    alias = "champion"

    def __init__(self, served: Served | None, last_error: str | None = None):
        self.current, self.last_error = served, last_error

    def start(self) -> FixedChampion:
        return self

    def stop(self) -> None:
        pass


@pytest.fixture(scope="module")
def served() -> Served:
    clean, _ = data.validate(data.generate_batch("improved"))
    model = training.build_model().fit(clean[list(data.FEATURES)], clean[data.TARGET])
    return Served(model, "clase8-churn", "7", "run-abc", 0.0)


def make_client(champion: FixedChampion) -> tuple[object, TestClient]:
    app = app_module.create_app(Settings(), champion=champion)
    return app, TestClient(app)


@pytest.fixture()
def api(served):
    app, client = make_client(FixedChampion(served))
    with client:
        yield app, client


def check(app, response, status: int, media_type: str = "application/json"):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert_declared(app.openapi(), response)
    return response.text if media_type == "text/plain" else response.json()


def test_health_and_ready_with_a_champion(api):
    app, client = api
    assert check(app, client.get("/health"), 200) == {"status": "ok"}
    ready = check(app, client.get("/ready"), 200)
    assert ready == {"status": "ready", "model": "clase8-churn", "version": "7"}


def test_without_champion_liveness_is_ok_and_the_rest_is_503():
    app, client = make_client(FixedChampion(None, "no existe models:/clase8-churn@champion"))
    with client:
        assert check(app, client.get("/health"), 200) == {"status": "ok"}
        problem = check(app, client.get("/ready"), 503, PROBLEM)
        assert problem["detail"] == "no existe models:/clase8-churn@champion"
        assert check(app, client.get("/v1/model", headers=KEY), 503, PROBLEM)["title"]
        body = {"instances": [CUSTOMER]}
        check(app, client.post("/v1/predict", json=body, headers=KEY), 503, PROBLEM)
        # sin credenciales es 401 aunque no haya modelo: primero quién llama
        check(app, client.get("/v1/model"), 401, PROBLEM)


def test_credentials_are_required(api):
    app, client = api
    missing = client.get("/v1/model")
    assert "X-API-Key" in check(app, missing, 401, PROBLEM)["detail"]
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.get("/v1/model", headers={"X-API-Key": "adivinanza"})
    assert check(app, wrong, 401, PROBLEM)["detail"] == "la clave de API no es válida"
    info = check(app, client.get("/v1/model", headers=KEY), 200)
    assert info == {
        "name": "clase8-churn",
        "alias": "champion",
        "version": "7",
        "run_id": "run-abc",
    }


def test_jwt_valid_tampered_and_expired(api):
    app, client = api
    token = create_token(Settings(), "analista")
    body = {"instances": [CUSTOMER]}
    ok = client.post("/v1/predict", json=body, headers={"Authorization": f"Bearer {token}"})
    assert check(app, ok, 200)["predictions"][0]["version"] == "7"
    tampered = {"Authorization": f"Bearer {token[:-4]}AAAA"}
    response = client.post("/v1/predict", json=body, headers=tampered)
    assert check(app, response, 401, PROBLEM)["detail"] == "el token no es válido"
    now = int(time.time())
    old = jwt.encode({"sub": "x", "exp": now - 10}, Settings().jwt_secret, algorithm="HS256")
    response = client.post("/v1/predict", json=body, headers={"Authorization": f"Bearer {old}"})
    assert check(app, response, 401, PROBLEM)["detail"] == "el token venció"


def test_predictions_and_validation_errors(api):
    app, client = api
    loyal = {"tenure_months": 60, "monthly_charge": 45, "complaints": 0, "data_usage_gb": 20}
    response = client.post("/v1/predict", json={"instances": [CUSTOMER, loyal]}, headers=KEY)
    unhappy, happy = check(app, response, 200)["predictions"]
    assert set(unhappy) == {"churn", "probability", "version"}
    assert unhappy["churn"] and not happy["churn"] and unhappy["probability"] > happy["probability"]
    bad = {"instances": [{**CUSTOMER, "complaints": 99}]}
    problem = check(app, client.post("/v1/predict", json=bad, headers=KEY), 422, PROBLEM)
    assert problem["errors"][0]["field"] == "instances.0.complaints"
    assert problem["errors"][0]["message"] == "debe ser menor o igual que 20"
    empty = client.post("/v1/predict", json={"instances": []}, headers=KEY)
    check(app, empty, 422, PROBLEM)
    broken = client.post(
        "/v1/predict", content=b"{no", headers={**KEY, "content-type": "application/json"}
    )
    check(app, broken, 422, PROBLEM)


QUERY = """
query Predict($customers: [CustomerInput!]!) {
  model { version }
  predict(customers: $customers) { churn probability version }
}
"""


def test_graphql_same_model_same_security(api):
    app, client = api
    customer = {"tenureMonths": 3, "monthlyCharge": 120, "complaints": 4, "dataUsageGb": 2}
    body = {"query": QUERY, "variables": {"customers": [customer]}}
    result = check(app, client.post("/graphql", json=body, headers=KEY), 200)
    assert result["data"]["model"] == {"version": "7"}
    assert result["data"]["predict"][0]["churn"] is True
    body["variables"]["customers"][0]["monthlyCharge"] = 9000
    errors = check(app, client.post("/graphql", json=body, headers=KEY), 200)["errors"]
    assert errors[0]["message"] == "instances.0.monthly_charge: debe ser menor o igual que 500"
    check(app, client.post("/graphql", json=body), 401, PROBLEM)
    garbage = client.post(
        "/graphql", content=b"{no", headers={**KEY, "content-type": "application/json"}
    )
    problem = check(app, garbage, 400, PROBLEM)
    assert problem["title"] == "Pedido inválido" and "JSON" in problem["detail"]


def test_every_v1_operation_declares_its_problems(api):
    app, _ = api
    spec = app.openapi()
    for path in ("/v1/model", "/v1/predict", "/graphql"):
        for operation in spec["paths"][path].values():
            for status in ("401",):
                assert PROBLEM in operation["responses"][status]["content"]
    assert "503" in spec["paths"]["/v1/model"]["get"]["responses"]
    assert "422" in spec["paths"]["/v1/predict"]["post"]["responses"]
    assert PROBLEM in spec["paths"]["/ready"]["get"]["responses"]["503"]["content"]


# ------------------------------------------------------------------ métricas para Prometheus
def samples(text: str, name: str) -> dict[tuple, float]:
    """{(etiquetas ordenadas): valor} de las muestras `name` en el texto de /metrics."""
    from prometheus_client.parser import text_string_to_metric_families

    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


def requests_total(text: str, method: str, route: str, status: int) -> float:
    labels = (("method", method), ("route", route), ("status", str(status)))
    return samples(text, "http_requests_total").get(labels, 0.0)


def test_metrics_are_public_and_count_by_route_template_and_status(api):
    app, client = api
    check(app, client.get("/v1/model"), 401, PROBLEM)
    check(app, client.get("/v1/model", headers=KEY), 200)
    body = {"instances": [CUSTOMER]}
    check(app, client.post("/v1/predict", json=body, headers=KEY), 200)
    check(app, client.post("/v1/predict", json=body, headers=KEY), 200)
    bad = {"instances": [{**CUSTOMER, "complaints": 99}]}
    check(app, client.post("/v1/predict", json=bad, headers=KEY), 422, PROBLEM)
    query = {"query": "{ model { version } }"}
    check(app, client.post("/graphql", json=query, headers=KEY), 200)
    # Una URL que no existe (no puede figurar en OpenAPI): una sola serie, nunca la URL concreta.
    unknown = client.get("/v1/models/abc-123")
    assert unknown.status_code == 404 and unknown.headers["content-type"] == PROBLEM

    # Sin credenciales: Prometheus no las tiene.
    text = check(app, client.get("/metrics"), 200, "text/plain")
    assert requests_total(text, "GET", "/v1/model", 401) == 1
    assert requests_total(text, "GET", "/v1/model", 200) == 1
    assert requests_total(text, "POST", "/v1/predict", 200) == 2
    assert requests_total(text, "POST", "/v1/predict", 422) == 1
    assert requests_total(text, "POST", "/graphql", 200) == 1
    assert requests_total(text, "GET", "sin_ruta", 404) == 1
    assert "abc-123" not in text
    counts = samples(text, "http_request_duration_seconds_count")
    assert counts[(("method", "POST"), ("route", "/v1/predict"))] == 3
    buckets = samples(text, "http_request_duration_seconds_bucket")
    cumulative = [
        value
        for labels, value in sorted(buckets.items(), key=lambda item: float(dict(item[0])["le"]))
        if dict(labels)["route"] == "/v1/predict"
    ]
    assert cumulative == sorted(cumulative) and cumulative[-1] == 3  # el bucket +Inf: todas


def test_each_app_has_its_own_registry(served):
    app_a, client_a = make_client(FixedChampion(served))
    app_b, client_b = make_client(FixedChampion(served))
    with client_a, client_b:
        client_a.get("/v1/model", headers=KEY)
        assert requests_total(client_a.get("/metrics").text, "GET", "/v1/model", 200) == 1
        assert requests_total(client_b.get("/metrics").text, "GET", "/v1/model", 200) == 0
    assert app_a.state.metrics.registry is not app_b.state.metrics.registry


class BrokenModel:
    def predict_proba(self, rows):
        raise RuntimeError("falla interna que el cliente no debe ver")


def test_unexpected_error_is_counted_as_500_and_declared():
    broken = Served(BrokenModel(), "clase8-churn", "7", "run-abc", 0.0)
    app = app_module.create_app(Settings(), champion=FixedChampion(broken))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/v1/predict", json={"instances": [CUSTOMER]}, headers=KEY)
        problem = check(app, response, 500, PROBLEM)
        assert "falla interna" not in response.text and problem["title"] == "Error interno"
        text = client.get("/metrics").text
    assert requests_total(text, "POST", "/v1/predict", 500) == 1
