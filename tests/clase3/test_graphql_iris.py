"""El servicio GraphQL de la comparación predice lo mismo que el modelo y rechaza entradas
inválidas con `errors` (nunca un 500)."""

from __future__ import annotations

import httpx
import numpy as np
import pytest
from graphql_iris_service import create_app

from coursekit import UvicornThread

PREDICT = "query ($f: [Float!]!) { predict(features: $f) { label probabilities } }"
BATCH = "query ($x: [[Float!]!]!) { predictBatch(instances: $x) { classIndex } }"


@pytest.fixture(scope="module")
def graphql_url(model_path):
    with UvicornThread(create_app(model_path)).start(health_path="/ready") as server:
        yield server.url + "/graphql"


def test_predict_matches_model(graphql_url, bundle):
    body = httpx.post(
        graphql_url, json={"query": PREDICT, "variables": {"f": [5.1, 3.5, 1.4, 0.2]}}
    )
    assert body.status_code == 200
    data = body.json()["data"]["predict"]
    expected = bundle["model"].predict_proba(np.array([[5.1, 3.5, 1.4, 0.2]]))[0]
    assert data["label"] == "setosa"
    np.testing.assert_allclose(data["probabilities"], expected)


@pytest.mark.parametrize(
    ("query", "variables", "fragment"),
    [
        (PREDICT, {"f": [5.1, 3.5, 1.4]}, "cada fila debe tener 4 valores"),
        (BATCH, {"x": [[5.1, 3.5, 1.4, 0.2], [1, 2, -3, 1]]}, "fila 1, columna petal_length"),
        (BATCH, {"x": []}, "entre 1 y 10000 filas"),
        (PREDICT, {"f": ["NaN", 1, 1, 1]}, "Float cannot represent"),
    ],
)
def test_invalid_input_is_a_graphql_error(graphql_url, query, variables, fragment):
    response = httpx.post(graphql_url, json={"query": query, "variables": variables})
    assert response.status_code in (200, 400)  # 400: variables que no respetan el tipo
    errors = response.json()["errors"]
    assert any(fragment in e["message"] for e in errors), errors
