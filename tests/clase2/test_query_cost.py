"""El límite de costo: la estimación acota los objetos de la respuesta sin ejecutar nada, usa
las variables y los valores por defecto del esquema, y una consulta por encima del presupuesto
recibe un error GraphQL claro sin ninguna llamada a MLflow."""

from __future__ import annotations

import pytest
from clase2_support import HANDS_ON, gql
from graphql import build_schema as schema_from_sdl
from graphql import parse
from mlflow_graphql.app import create_app
from mlflow_graphql.cost import estimate_cost
from mlflow_graphql.settings import Settings

from coursekit import UvicornThread

SDL = schema_from_sdl((HANDS_ON / "schema.graphql").read_text())  # el contrato publicado


def cyclic(levels: int, first: int = 50) -> str:
    inner = "name"
    for _ in range(levels):
        inner = f"runs(first: {first}) {{ nodes {{ experiment {{ {inner} }} }} }}"
    return f"{{ experiments {{ {inner} }} }}"


def count_objects(node) -> int:
    """Objetos (diccionarios) de una respuesta, sin contar la raíz `data`."""
    if isinstance(node, dict):
        return sum(isinstance(v, dict) + count_objects(v) for v in node.values())
    if isinstance(node, list):
        return sum(isinstance(v, dict) + count_objects(v) for v in node)
    return 0


@pytest.mark.parametrize(
    ("query", "variables", "cost"),
    [
        ("{ experiments { name } }", None, 10),  # lista sin tope: tamaño supuesto (10)
        (cyclic(1), None, 10 + 10 + 500 + 500),  # experimentos, conexión, nodos, experimento
        (cyclic(2), None, 51_520),
        ('{ run(id: "x") { name metric(key: "accuracy") } }', None, 1),  # escalares: 0
        ("{ experiments { runs { nodes { name } } } }", None, 10 + 10 + 100),  # first = 10
        ("query($n: Int!) { experiments { runs(first: $n) { nodes { name } } } }", {"n": 3}, 50),
        ("query($n: Int = 2) { experiments { runs(first: $n) { nodes { name } } } }", None, 40),
        (
            "fragment T on Tagged { tags { key } } "
            "{ experiments { ...T runs { nodes { ...T } } } }",
            None,
            10 + 100 + 10 + 100 + 1000,
        ),
        ("{ experiments { ... on Experiment { runs(first: 2) { nodes { name } } } } }", None, 40),
        ("{ __typename experiments { __typename } }", None, 10),
    ],
    ids=[
        "unbounded-list",
        "one-cycle",
        "two-cycles",
        "scalars-are-free",
        "schema-default-first",
        "variable",
        "variable-default",
        "fragments-on-an-interface",
        "inline-fragment",
        "typename",
    ],
)
def test_estimate_multiplies_list_sizes_by_level(query, variables, cost):
    assert estimate_cost(SDL, parse(query), variables) == cost


def test_estimate_is_an_upper_bound_of_the_real_response(api_url):
    for query in (cyclic(0), cyclic(1), "{ registeredModels { versions { run { name } } } }"):
        status, body = gql(api_url, query)
        assert status == 200 and "errors" not in body
        assert count_objects(body["data"]) <= estimate_cost(SDL, parse(query))


def test_a_costly_query_is_rejected_before_touching_mlflow(api_url):
    status, body = gql(api_url, cyclic(2))  # pasa la profundidad, los alias y los tokens
    assert status == 200 and body["data"] is None
    [error] = body["errors"]
    assert error["message"].startswith("Consulta demasiado costosa: puede devolver hasta 51.520")
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 51_520, "maxCost": 10_000}
    assert body["extensions"]["mlflowCalls"] == 0


def test_the_budget_uses_the_variables(api_url):
    query = """query($n: Int!) { experiments { runs(first: $n) { nodes {
      experiment { runs(first: $n) { nodes { name } } } } } } }"""
    _, small = gql(api_url, query, {"n": 5})
    assert "errors" not in small and len(small["data"]["experiments"]) == 3
    _, large = gql(api_url, query, {"n": 50})
    assert large["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


def test_the_budget_is_configuration(seed_store):
    settings = Settings(tracking_uri=seed_store.tracking_uri, max_cost=5)
    with UvicornThread(create_app(settings)).start(health_path="/ready") as server:
        _, body = gql(server.url, "{ experiments { name } }")  # 10 > 5
    assert body["errors"][0]["extensions"]["maxCost"] == 5


@pytest.mark.parametrize("field", ["max_cost", "assumed_list_size"])
def test_cost_settings_must_be_positive(field):
    with pytest.raises(ValueError, match="enteros positivos"):
        Settings(**{field: 0}).check()
