"""La capa HTTP del servicio: `/health` y `/ready` (copia canónica de health.py), los errores de
protocolo de `/graphql` como problem+json, y un documento OpenAPI que declara cada código y
media type que cada endpoint puede devolver."""

from __future__ import annotations

import time

import httpx
import pytest
from clase2_support import data, run_ids
from mlflow_graphql.app import create_app
from mlflow_graphql.settings import Settings
from openapi_contract import assert_declared

from coursekit import UvicornThread, free_port

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def spec(seed_store) -> dict:
    """El documento OpenAPI del servicio (el mismo para toda configuración de desarrollo)."""
    return create_app(Settings(tracking_uri=seed_store.tracking_uri)).openapi()


def test_health_and_ready(api_url, spec):
    health = httpx.get(api_url + "/health")
    assert health.json() == {"status": "ok"}
    ready = httpx.get(api_url + "/ready")
    assert ready.json() == {"status": "ready", "mlflow": "ok"}
    for response in (health, ready):
        assert_declared(spec, response)


def test_ready_is_503_problem_when_mlflow_is_down_but_health_is_ok(spec):
    settings = Settings(tracking_uri=f"http://127.0.0.1:{free_port()}")  # nadie escucha ahí
    with UvicornThread(create_app(settings)).start(health_path="/health") as server:
        start = time.monotonic()
        ready = httpx.get(server.url + "/ready")
        elapsed = time.monotonic() - start
        health = httpx.get(server.url + "/health")
    assert ready.status_code == 503 and ready.headers["content-type"] == PROBLEM
    assert ready.json()["detail"] == "MLflow no responde (ConnectError)"
    assert elapsed < settings.http_timeout_s + 3  # la sonda es acotada: no reintenta minutos
    assert health.json() == {"status": "ok"}  # liveness nunca mira las dependencias
    for response in (ready, health):
        assert_declared(spec, response)


class FailingClient:
    """Un MlflowClient que falla en todo: prueba que `create_app` usa el cliente inyectado."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise RuntimeError("base caída")

        return fail


def test_an_injected_mlflow_client_is_the_one_used(seed_store, spec):
    settings = Settings(tracking_uri=seed_store.tracking_uri)  # SQLite sano: el cliente no
    app = create_app(settings, mlflow_client=FailingClient())
    with UvicornThread(app).start(health_path="/health") as server:
        ready = httpx.get(server.url + "/ready")
    assert ready.status_code == 503
    assert ready.json()["detail"] == "MLflow no responde (RuntimeError)"
    assert_declared(spec, ready)


@pytest.mark.parametrize(
    ("request_kwargs", "detail"),
    [
        (
            {
                "method": "POST",
                "content": b"{no es json",
                "headers": {"Content-Type": "application/json"},
            },
            "Unable to parse request body as JSON",
        ),
        ({"method": "POST", "json": {"variables": {}}}, "No GraphQL query found"),
        (
            {"method": "POST", "content": b"query", "headers": {"Content-Type": "text/plain"}},
            "Unsupported content type",
        ),
    ],
    ids=["body-not-json", "no-query", "content-type"],
)
def test_malformed_http_requests_get_400_problem(api_url, spec, request_kwargs, detail):
    kwargs = dict(request_kwargs)
    response = httpx.request(kwargs.pop("method"), f"{api_url}/graphql", **kwargs)
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert detail in response.json()["detail"]
    assert_declared(spec, response)


def test_a_mutation_over_get_is_405_and_is_not_executed(mutable_api, spec):
    """GraphQL over HTTP: GET solo para consultas; una mutación por GET es 405 y no se ejecuta."""
    [run_id, *_] = run_ids(mutable_api).values()
    mutation = (
        f'mutation {{ setRunTag(input: {{runId: "{run_id}", key: "k", value: "v"}}) {{ name }} }}'
    )
    response = httpx.get(f"{mutable_api}/graphql", params={"query": mutation})
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["title"] == "Método no permitido"
    assert_declared(spec, response)
    tags = data(mutable_api, f'{{ run(id: "{run_id}") {{ tags {{ key }} }} }}')["run"]["tags"]
    assert "k" not in [tag["key"] for tag in tags]  # no se ejecutó


def test_queries_also_work_over_get(api_url, spec):
    response = httpx.get(f"{api_url}/graphql", params={"query": "{ experiments { name } }"})
    assert response.status_code == 200 and len(response.json()["data"]["experiments"]) == 3
    assert_declared(spec, response)
    posted = httpx.post(f"{api_url}/graphql", json={"query": "{ experiments { name } }"})
    assert_declared(spec, posted)


def test_graphiql_page_is_declared(api_url, spec):
    page = httpx.get(f"{api_url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "/graphiql-assets/" in page.text
    assert_declared(spec, page)


def test_production_has_no_graphiql(seed_store):
    settings = Settings(tracking_uri=seed_store.tracking_uri, env="production")
    app = create_app(settings)
    with UvicornThread(app).start(health_path="/ready") as server:
        page = httpx.get(server.url + "/graphql", headers={"Accept": "text/html"})
        assets = httpx.get(server.url + "/graphiql-assets/react@18.2.0/umd/react.production.min.js")
    assert page.status_code == 404 and page.headers["content-type"] == PROBLEM
    assert assets.status_code == 404
    assert_declared(app.openapi(), page)


def test_every_route_declares_problem_errors(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert PROBLEM in responses["500"]["content"], (method, path)
            if path == "/graphql":
                assert PROBLEM in responses["400"]["content"], (method, path)
