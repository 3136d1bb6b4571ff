"""El problema N+1 medido, los límites de una consulta y el modo producción: una consulta mala
o abusiva siempre da un error GraphQL claro (HTTP 200 con `errors`), nunca un 500 ni un cuelgue."""

from __future__ import annotations

import asyncio

import pytest
from clase2_support import VALID_MISSING_RUN, data, gql
from mlflow_graphql.app import create_app
from mlflow_graphql.context import Context
from mlflow_graphql.schema import build_schema
from mlflow_graphql.settings import Settings

from coursekit import UvicornThread

N_PLUS_ONE = "{ registeredModels { name versions { version run { name experiment { name } } } } }"
CYCLE = "runs {{ nodes {{ experiment {{ {} }} }} }}"  # tres niveles por vuelta al ciclo
DEEP = "{ experiments { " + CYCLE.format(CYCLE.format(CYCLE.format("name"))) + " } }"
MANY_ALIASES = "{ " + " ".join(f"a{i}: experiments {{ name }}" for i in range(16)) + " }"
MANY_TOKENS = "{ experiments { " + " ".join(["name"] * 1000) + " } }"


def test_dataloader_removes_the_n_plus_one(seed_store):
    answers = {}
    for use_dataloaders in (False, True):
        settings = Settings(tracking_uri=seed_store.tracking_uri, use_dataloaders=use_dataloaders)
        with UvicornThread(create_app(settings)).start(health_path="/ready") as server:
            status, answers[use_dataloaders] = gql(server.url, N_PLUS_ONE)
            assert status == 200 and "errors" not in answers[use_dataloaders]
    naive, batched = answers[False], answers[True]
    assert naive["data"] == batched["data"]
    # 1 lista de modelos + 3 búsquedas de versiones + 9 get_run + 9 get_experiment
    assert naive["extensions"]["mlflowCalls"] == 1 + 3 + 9 + 9
    assert batched["extensions"]["mlflowCallsByMethod"] == {
        "search_registered_models": 1,
        "search_model_versions": 1,
        "search_experiments": 2,
        "search_runs": 1,
    }


@pytest.mark.parametrize(
    ("query", "variables", "message", "code"),
    [
        ("{ experiments { name ", None, "Syntax Error", None),
        ("{ experiments { nope } }", None, "Cannot query field 'nope' on type 'Experiment'", None),
        (
            'query($n: Int!) { experiment(name: "clase2-iris") '
            "{ runs(first: $n) { nodes { name } } } }",
            {"n": "tres"},
            "Variable '$n' has invalid value: Int cannot represent non-integer value: 'tres'",
            None,
        ),
        (
            "{ experiment(name: 3) { name } }",
            None,
            "String cannot represent a non string value",
            None,
        ),
        (f'{{ run(id: "{VALID_MISSING_RUN}") {{ name }} }}', None, "No existe el run", "NOT_FOUND"),
        ('{ run(id: "abc") { name } }', None, "un id de run tiene 32 dígitos hex", "NOT_FOUND"),
        (
            '{ experiment(name: "no-existe") { name } }',
            None,
            "No existe el experimento",
            "NOT_FOUND",
        ),
        (
            '{ registeredModel(name: "no-existe") { name } }',
            None,
            "No existe el modelo",
            "NOT_FOUND",
        ),
        (DEEP, None, "exceeds maximum operation depth of 8", None),
        (MANY_ALIASES, None, "16 aliases found. Allowed: 15", None),
        (MANY_TOKENS, None, "Document contains more than 1000 tokens", None),
        (
            '{ experiment(name: "clase2-iris") { runs(first: 500) { nodes { name } } } }',
            None,
            "`first` debe estar entre 1 y 50",
            "BAD_USER_INPUT",
        ),
        (
            '{ experiment(name: "clase2-iris") { runs(after: "basura") { nodes { name } } } }',
            None,
            "cursor o filtro",
            "BAD_USER_INPUT",
        ),
        (
            """{ experiment(name: "clase2-iris") { runs(filter: {params: [{key: "model_family",
            value: "x' or '1'='1"}]}) { nodes { name } } } }""",
            None,
            "no puede contener comillas simples",
            "BAD_USER_INPUT",
        ),
        (
            '{ experiment(name: "clase2-iris") { runs(orderBy: [{metric: "acc`uracy"}]) '
            "{ nodes { name } } } }",
            None,
            "Nombre de métrica inválido",
            "BAD_USER_INPUT",
        ),
        (
            '{ experiment(name: "clase2-iris") { runs(filter: {metrics: [{key: "accuracy"}]}) '
            "{ nodes { name } } } }",
            None,
            "necesita `min`, `max` o ambos",
            "BAD_USER_INPUT",
        ),
    ],
    ids=[
        "syntax",
        "unknown-field",
        "variable-of-wrong-type",
        "literal-of-wrong-type",
        "missing-run",
        "malformed-run-id",
        "missing-experiment",
        "missing-model",
        "too-deep",
        "too-many-aliases",
        "too-many-tokens",
        "page-too-large",
        "invalid-cursor",
        "filter-injection",
        "invalid-metric-key",
        "empty-threshold",
    ],
)
def test_bad_queries_get_a_clear_graphql_error(api_url, query, variables, message, code):
    status, body = gql(api_url, query, variables)
    assert status == 200
    assert body["errors"], body
    error = body["errors"][0]
    assert message in error["message"], error
    if code is not None:
        assert error["extensions"]["code"] == code


def test_production_mode_hides_schema_ide_and_suggestions(seed_store):
    settings = Settings(tracking_uri=seed_store.tracking_uri, env="production")
    with UvicornThread(create_app(settings)).start(health_path="/ready") as server:
        status, body = gql(server.url, "{ __schema { types { name } } }")
        assert status == 200 and "introspection" in body["errors"][0]["message"].lower()
        assert len(data(server.url, "{ experiments { name } }")["experiments"]) == 3
        _, typo = gql(server.url, "{ experimnts { name } }")
        assert typo["errors"][0]["message"] == "Cannot query field 'experimnts' on type 'Query'."
        _, missing = gql(server.url, '{ run(id: "nope") { name } }')  # errores del usuario: igual
        assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_development_mode_suggests_field_names(api_url):
    _, typo = gql(api_url, "{ experimnts { name } }")
    assert "Did you mean 'experiments' or 'experiment'?" in typo["errors"][0]["message"]


class BrokenClient:
    """Un MlflowClient que falla como fallaría una base caída (con un secreto en el mensaje)."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise RuntimeError("no se pudo conectar a postgresql://admin:secreto@db/mlflow")

        return fail


@pytest.mark.parametrize("env", ["development", "production"])
def test_internal_errors_are_masked_only_in_production(env):
    settings = Settings(env=env)
    context = Context(settings, BrokenClient(), http=None)
    result = asyncio.run(
        build_schema(settings).execute("{ experiments { name } }", context_value=context)
    )
    [error] = result.errors
    if env == "production":
        assert error.message == "Error interno."
    else:
        assert "secreto" in error.message
