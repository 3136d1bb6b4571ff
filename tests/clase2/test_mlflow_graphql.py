"""Pruebas de contrato del servicio GraphQL sobre MLflow: cada query, mutación y la suscripción,
y las entradas malas (que siempre dan un error GraphQL claro, nunca un 500 ni un cuelgue)."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import httpx
import mlflow_graphql as mg
import pytest
from clase2_support import ROOT, data, gql
from mlflow import MlflowClient
from websockets.sync.client import connect

from coursekit import UvicornThread

RUN_FIELDS = 'fragment R on Run { id name accuracy: metric(key: "accuracy") }'


def run_ids(url: str, experiment: str = "clase2-iris") -> dict[str, str]:
    query = "query($e: String!) { experiment(name: $e) { runs(first: 50) { nodes { id name } } } }"
    nodes = data(url, query, {"e": experiment})["experiment"]["runs"]["nodes"]
    return {n["name"]: n["id"] for n in nodes}


# --------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------
def test_health(api_url):
    assert httpx.get(api_url + "/health").json() == {"status": "ok"}


def test_experiments_runs_metrics_nested(api_url):
    query = """{ experiments { name tags { key value }
        runs(first: 50) { nodes { name metrics { key value } } } } }"""
    experiments = data(api_url, query)["experiments"]
    assert [e["name"] for e in experiments] == [
        "clase2-breast-cancer",
        "clase2-iris",
        "clase2-wine",
    ]
    for experiment in experiments:
        assert {"key": "course", "value": "MLOps II"} in experiment["tags"]
        runs = experiment["runs"]["nodes"]
        assert len(runs) == 5
        for run in runs:
            assert {"accuracy", "f1_macro"} <= {m["key"] for m in run["metrics"]}


def test_top_three_by_accuracy_is_ordered(api_url):
    query = """{ experiment(name: "clase2-breast-cancer") {
        runs(first: 3, orderBy: [{metric: "accuracy", direction: DESC}]) {
          nodes { accuracy: metric(key: "accuracy") } pageInfo { hasNextPage } } } }"""
    runs = data(api_url, query)["experiment"]["runs"]
    values = [n["accuracy"] for n in runs["nodes"]]
    assert len(values) == 3 and values == sorted(values, reverse=True)
    assert runs["pageInfo"]["hasNextPage"] is True
    ascending = data(api_url, query.replace("DESC", "ASC"))["experiment"]["runs"]["nodes"]
    assert [n["accuracy"] for n in ascending] == sorted(n["accuracy"] for n in ascending)


def test_typed_filters(api_url):
    query = """query($f: RunFilter) { experiment(name: "clase2-iris") {
        runs(filter: $f, first: 50) { nodes { name accuracy: metric(key: "accuracy")
          family: param(key: "model_family") } } } }"""

    def names(run_filter):
        return [n for n in data(api_url, query, {"f": run_filter})["experiment"]["runs"]["nodes"]]

    good = names({"metrics": [{"key": "accuracy", "min": 0.9}]})
    assert good and all(n["accuracy"] >= 0.9 for n in good)
    logreg = names({"params": [{"key": "model_family", "value": "logreg"}]})
    assert {n["family"] for n in logreg} == {"logreg"} and len(logreg) == 2
    assert len(names({"tags": [{"key": "model_family", "value": "random_forest"}]})) == 2
    assert len(names({"status": "FINISHED"})) == 5
    assert names({"status": "RUNNING"}) == []
    both = names({"metrics": [{"key": "accuracy", "min": 0.85, "max": 0.92}]})
    assert all(0.85 <= n["accuracy"] <= 0.92 for n in both)


def test_pagination_visits_every_run_once(api_url):
    query = """query($after: String) { experiment(name: "clase2-wine") {
        runs(first: 2, after: $after) { nodes { name } pageInfo { hasNextPage endCursor } } } }"""
    seen, after, pages = [], None, 0
    while True:
        page = data(api_url, query, {"after": after})["experiment"]["runs"]
        seen += [n["name"] for n in page["nodes"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            assert page["pageInfo"]["endCursor"] is None
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 3 and len(seen) == len(set(seen)) == 5
    assert seen == sorted(seen)  # sin orden pedido: por nombre, estable entre páginas


def test_run_by_id_with_history_params_and_back_references(api_url):
    run_id = run_ids(api_url)["iris-gboost-lr0.1"]
    query = """query($id: ID!) { run(id: $id) { name status note param(key: "learning_rate")
        missing: param(key: "nope") history: metricHistory(key: "val_accuracy") { step value }
        experiment { name } modelVersions { modelName version aliases } tags { key } } }"""
    run = data(api_url, query, {"id": run_id})["run"]
    assert run["name"] == "iris-gboost-lr0.1" and run["status"] == "FINISHED"
    assert run["param"] == "0.1" and run["missing"] is None
    assert run["note"] == "gradient_boosting sobre iris"
    assert [p["step"] for p in run["history"]] == list(range(1, 21))
    assert run["experiment"] == {"name": "clase2-iris"}
    assert run["modelVersions"] == [
        {"modelName": "iris-classifier", "version": 3, "aliases": ["challenger"]}
    ]
    assert all(not t["key"].startswith("mlflow.") for t in run["tags"])


def test_registered_models_versions_and_aliases(api_url):
    query = """{ registeredModels { name aliases { alias version }
        versions { version aliases run { name } }
        champion: version(alias: "champion") { version }
        none: version(alias: "no-existe") { version } } }"""
    models = data(api_url, query)["registeredModels"]
    assert [m["name"] for m in models] == [
        "breast-cancer-classifier",
        "iris-classifier",
        "wine-classifier",
    ]
    for model in models:
        assert model["aliases"] == [
            {"alias": "challenger", "version": 3},
            {"alias": "champion", "version": 2},
        ]
        assert [v["version"] for v in model["versions"]] == [1, 2, 3]
        assert model["champion"] == {"version": 2} and model["none"] is None
        assert all(
            v["run"]["name"].startswith(model["name"].split("-classifier")[0])
            for v in model["versions"]
        )


def test_variables_aliases_and_fragments(api_url):
    query = (
        RUN_FIELDS
        + """
    query Compare($a: String!, $b: String!) {
      left: experiment(name: $a) { ...Best }
      right: experiment(name: $b) { ...Best }
    }
    fragment Best on Experiment {
      runs(first: 1, orderBy: [{metric: "accuracy"}]) { nodes { ...R } }
    }"""
    )
    answer = data(api_url, query, {"a": "clase2-iris", "b": "clase2-wine"})
    assert set(answer) == {"left", "right"}
    assert answer["left"]["runs"]["nodes"][0]["name"] == "iris-gboost-lr0.1"
    assert set(answer["right"]["runs"]["nodes"][0]) == {"id", "name", "accuracy"}


def test_every_response_reports_its_mlflow_calls(api_url):
    status, body = gql(api_url, "{ experiments { name } }")
    assert status == 200
    assert body["extensions"] == {
        "mlflowCalls": 1,
        "mlflowCallsByMethod": {"search_experiments": 1},
    }


# --------------------------------------------------------------------------------------
# N+1 y DataLoader
# --------------------------------------------------------------------------------------
N_PLUS_ONE = "{ registeredModels { name versions { version run { name experiment { name } } } } }"


def test_dataloader_removes_the_n_plus_one(seed_store):
    answers = {}
    for use_dataloaders in (False, True):
        settings = mg.Settings(
            tracking_uri=seed_store.tracking_uri, use_dataloaders=use_dataloaders
        )
        with UvicornThread(mg.create_app(settings)).start(health_path="/health") as server:
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


# --------------------------------------------------------------------------------------
# Mutaciones
# --------------------------------------------------------------------------------------
SET_TAG = "mutation($i: SetRunTagInput!) { setRunTag(input: $i) { name tags { key value } } }"
REGISTER = """mutation($i: RegisterModelVersionInput!) {
  registerModelVersion(input: $i) { modelName version aliases run { name } } }"""
SET_ALIAS = """mutation($i: SetModelAliasInput!) {
  setModelAlias(input: $i) { name aliases { alias version } } }"""


def test_set_run_tag_persists_in_mlflow(mutable_api, mutable_store):
    run_id = run_ids(mutable_api)["iris-rf-depth8"]
    run = data(
        mutable_api, SET_TAG, {"i": {"runId": run_id, "key": "revisado_por", "value": "ana"}}
    )
    assert {"key": "revisado_por", "value": "ana"} in run["setRunTag"]["tags"]
    stored = MlflowClient(mutable_store.tracking_uri).get_run(run_id).data.tags
    assert stored["revisado_por"] == "ana"


def test_register_version_and_move_champion(mutable_api, mutable_store):
    run_id = run_ids(mutable_api)["iris-rf-depth8"]
    version = data(mutable_api, REGISTER, {"i": {"runId": run_id, "modelName": "iris-classifier"}})
    assert version["registerModelVersion"] == {
        "modelName": "iris-classifier",
        "version": 4,
        "aliases": [],
        "run": {"name": "iris-rf-depth8"},
    }
    moved = data(
        mutable_api,
        SET_ALIAS,
        {"i": {"modelName": "iris-classifier", "alias": "champion", "version": 4}},
    )
    assert {"alias": "champion", "version": 4} in moved["setModelAlias"]["aliases"]
    client = MlflowClient(mutable_store.tracking_uri, registry_uri=mutable_store.tracking_uri)
    assert int(client.get_model_version_by_alias("iris-classifier", "champion").version) == 4


def test_register_does_not_depend_on_the_global_tracking_uri(mutable_api):
    """MLflow resuelve "models:/<id>" con el URI global del proceso; el servicio no debe
    depender de él (en un servicio real suele no estar definido o ser otro)."""
    import mlflow

    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri("file:///no/existe")  # cualquier uso del cliente global fallaría
    try:
        run_id = run_ids(mutable_api)["iris-logreg-c0.01"]
        status, body = gql(
            mutable_api, REGISTER, {"i": {"runId": run_id, "modelName": "iris-classifier"}}
        )
    finally:
        mlflow.set_tracking_uri(previous)
    assert status == 200 and "errors" not in body, body
    assert body["data"]["registerModelVersion"]["version"] == 4


def test_register_creates_the_model_if_missing(mutable_api):
    run_id = run_ids(mutable_api, "clase2-wine")["wine-gboost-lr0.1"]
    created = data(
        mutable_api, REGISTER, {"i": {"runId": run_id, "modelName": "wine-experimental"}}
    )
    assert created["registerModelVersion"]["version"] == 1
    names = data(mutable_api, "{ registeredModels { name } }")["registeredModels"]
    assert {"name": "wine-experimental"} in names


def test_run_without_model_cannot_be_registered(mutable_api, mutable_store):
    client = MlflowClient(mutable_store.tracking_uri)
    experiment_id = client.get_experiment_by_name("clase2-iris").experiment_id
    bare = client.create_run(experiment_id, run_name="sin-modelo").info.run_id
    status, body = gql(
        mutable_api, REGISTER, {"i": {"runId": bare, "modelName": "iris-classifier"}}
    )
    assert status == 200 and body["data"] is None
    assert "no guardó ningún modelo" in body["errors"][0]["message"]


# --------------------------------------------------------------------------------------
# Entradas malas: siempre un error GraphQL claro (HTTP 200 con `errors`), nunca un 500
# --------------------------------------------------------------------------------------
CYCLE = "runs {{ nodes {{ experiment {{ {} }} }} }}"  # tres niveles por vuelta al ciclo
DEEP = "{ experiments { " + CYCLE.format(CYCLE.format(CYCLE.format("name"))) + " } }"
MANY_ALIASES = "{ " + " ".join(f"a{i}: experiments {{ name }}" for i in range(16)) + " }"
MANY_TOKENS = "{ experiments { " + " ".join(["name"] * 1000) + " } }"
VALID_MISSING_RUN = "0" * 32


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
        "sintaxis",
        "campo-desconocido",
        "variable-de-tipo-equivocado",
        "literal-de-tipo-equivocado",
        "run-inexistente",
        "id-de-run-malformado",
        "experimento-inexistente",
        "modelo-inexistente",
        "demasiado-profunda",
        "demasiados-alias",
        "demasiados-tokens",
        "pagina-enorme",
        "cursor-invalido",
        "inyeccion-en-filtro",
        "clave-invalida",
        "umbral-vacio",
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


@pytest.mark.parametrize(
    ("mutation", "variables", "message", "code"),
    [
        (
            SET_TAG,
            {"i": {"runId": VALID_MISSING_RUN, "key": "k", "value": "v"}},
            "No existe el run",
            "NOT_FOUND",
        ),
        (
            SET_TAG,
            {"i": {"runId": "RUN", "key": "mlflow.user", "value": "v"}},
            "son del sistema",
            "BAD_USER_INPUT",
        ),
        (
            SET_TAG,
            {"i": {"runId": "RUN", "key": "k", "value": "x" * 5001}},
            "el máximo es 5000",
            "BAD_USER_INPUT",
        ),
        (
            SET_TAG,
            {"i": {"runId": "RUN", "key": "a'b", "value": "v"}},
            "Nombre de etiqueta inválido",
            "BAD_USER_INPUT",
        ),
        (
            SET_TAG,
            {"i": {"runId": "RUN", "key": "k"}},
            "to include required field 'value'",
            None,
        ),
        (
            REGISTER,
            {"i": {"runId": "RUN", "modelName": "no valido!"}},
            "Nombre de modelo inválido",
            "BAD_USER_INPUT",
        ),
        (
            REGISTER,
            {"i": {"runId": VALID_MISSING_RUN, "modelName": "m"}},
            "No existe el run",
            "NOT_FOUND",
        ),
        (
            SET_ALIAS,
            {"i": {"modelName": "iris-classifier", "alias": "champion", "version": 9}},
            "no tiene la versión 9",
            "NOT_FOUND",
        ),
        (
            SET_ALIAS,
            {"i": {"modelName": "no-existe", "alias": "champion", "version": 1}},
            "No existe el modelo",
            "NOT_FOUND",
        ),
        (
            SET_ALIAS,
            {"i": {"modelName": "iris-classifier", "alias": "v2", "version": 1}},
            "Alias inválido",
            "BAD_USER_INPUT",
        ),
        (
            SET_ALIAS,
            {"i": {"modelName": "iris-classifier", "alias": "latest", "version": 1}},
            "Alias inválido",
            "BAD_USER_INPUT",
        ),
        (
            SET_ALIAS,
            {"i": {"modelName": "iris-classifier", "alias": "Champion!", "version": 1}},
            "Alias inválido",
            "BAD_USER_INPUT",
        ),
        (
            SET_ALIAS,
            {"i": {"modelName": "iris-classifier", "alias": "champion", "version": "dos"}},
            "Int cannot represent non-integer value",
            None,
        ),
    ],
)
def test_bad_mutations_get_a_clear_graphql_error(mutable_api, mutation, variables, message, code):
    real_run = run_ids(mutable_api)["iris-logreg-c1"]
    payload = json.loads(json.dumps(variables).replace('"RUN"', f'"{real_run}"'))
    status, body = gql(mutable_api, mutation, payload)
    assert status == 200 and body["data"] is None
    error = body["errors"][0]
    assert message in error["message"], error
    if code is not None:
        assert error["extensions"]["code"] == code
    champion = data(
        mutable_api,
        '{ registeredModel(name: "iris-classifier") { version(alias: "champion") { version } } }',
    )
    assert champion["registeredModel"]["version"] == {"version": 2}  # nada cambió


def test_partial_errors_keep_the_rest_of_the_data(api_url):
    status, body = gql(api_url, '{ experiments { name } run(id: "nope") { name } }')
    assert status == 200
    assert len(body["data"]["experiments"]) == 3 and body["data"]["run"] is None
    assert body["errors"][0]["path"] == ["run"]


@pytest.mark.parametrize(
    ("request_kwargs", "status", "detail"),
    [
        (
            {
                "method": "POST",
                "content": b"{no es json",
                "headers": {"Content-Type": "application/json"},
            },
            400,
            "Unable to parse request body as JSON",
        ),
        ({"method": "POST", "json": {"variables": {}}}, 400, "No GraphQL query found"),
        (
            {"method": "POST", "content": b"query", "headers": {"Content-Type": "text/plain"}},
            400,
            "Unsupported content type",
        ),
        (
            {
                "method": "GET",
                "params": {
                    "query": 'mutation { setRunTag(input: {runId: "x", key: "k", value: "v"}) '
                    "{ name } }"
                },
            },
            400,
            "mutations are not allowed when using GET",
        ),
    ],
    ids=["cuerpo-no-json", "sin-query", "content-type", "mutacion-por-get"],
)
def test_malformed_http_requests_get_400(api_url, request_kwargs, status, detail):
    kwargs = dict(request_kwargs)
    response = httpx.request(kwargs.pop("method"), f"{api_url}/graphql", **kwargs)
    assert response.status_code == status
    assert detail in response.text


def test_queries_also_work_over_get(api_url):
    response = httpx.get(f"{api_url}/graphql", params={"query": "{ experiments { name } }"})
    assert response.status_code == 200 and len(response.json()["data"]["experiments"]) == 3


# --------------------------------------------------------------------------------------
# Suscripción por WebSocket (graphql-transport-ws)
# --------------------------------------------------------------------------------------
FEED = """subscription($id: ID!, $key: String!) {
  metricUpdates(runId: $id, key: $key) { key step value } }"""


def ws_url(http_url: str) -> str:
    return http_url.replace("http://", "ws://") + "/graphql"


def subscribe(url: str, query: str, variables: dict, timeout: float = 30.0) -> list[dict]:
    """Protocolo graphql-transport-ws a mano; devuelve los mensajes hasta complete o error."""
    messages = []
    with connect(ws_url(url), subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:
        ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "connection_ack"}
        ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": query, "variables": variables},
                }
            )
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(ws.recv(timeout=timeout))
            messages.append(message)
            if message["type"] in ("complete", "error"):
                return messages
    raise AssertionError(f"la suscripción no terminó en {timeout} s: {messages}")


def test_subscription_streams_metrics_while_training(mutable_api, mutable_store):
    client = MlflowClient(mutable_store.tracking_uri)
    experiment_id = client.get_experiment_by_name("clase2-iris").experiment_id
    run_id = client.create_run(experiment_id, run_name="en-vivo").info.run_id
    values = [round(0.5 + 0.04 * step, 2) for step in range(10)]

    def train():
        time.sleep(0.3)
        for step, value in enumerate(values):
            client.log_metric(run_id, "val_accuracy", value, step=step)
            time.sleep(0.05)
        client.set_terminated(run_id, "FINISHED")

    trainer = threading.Thread(target=train)
    trainer.start()
    try:
        messages = subscribe(mutable_api, FEED, {"id": run_id, "key": "val_accuracy"})
    finally:
        trainer.join(30)
    assert messages[-1] == {"id": "1", "type": "complete"}
    points = [m["payload"]["data"]["metricUpdates"] for m in messages[:-1]]
    assert [p["step"] for p in points] == list(range(10))
    assert [p["value"] for p in points] == values
    assert all("errors" not in m["payload"] for m in messages[:-1])


def test_subscription_to_finished_run_replays_history_and_completes(api_url):
    run_id = run_ids(api_url)["iris-gboost-lr0.1"]
    messages = subscribe(api_url, FEED, {"id": run_id, "key": "val_accuracy"})
    assert len(messages) == 21 and messages[-1]["type"] == "complete"


def test_subscription_to_missing_run_reports_not_found(api_url):
    messages = subscribe(api_url, FEED, {"id": VALID_MISSING_RUN, "key": "val_accuracy"})
    [error] = messages[0]["payload"]["errors"]
    assert "No existe el run" in error["message"] and error["extensions"]["code"] == "NOT_FOUND"
    assert messages[-1]["type"] == "complete"


def test_invalid_subscription_document_gets_protocol_error(api_url):
    messages = subscribe(api_url, "subscription { metricUpdates { nope } }", {})
    assert messages[-1]["type"] == "error"
    assert any(
        "nope" in e["message"] or "argument" in e["message"] for e in messages[-1]["payload"]
    )


# --------------------------------------------------------------------------------------
# Producción: sin introspección, sin GraphiQL, errores internos enmascarados
# --------------------------------------------------------------------------------------
def test_production_mode_hides_schema_and_ide(seed_store):
    settings = mg.Settings(tracking_uri=seed_store.tracking_uri, production=True)
    with UvicornThread(mg.create_app(settings)).start(health_path="/health") as server:
        status, body = gql(server.url, "{ __schema { types { name } } }")
        assert status == 200 and "introspection" in body["errors"][0]["message"].lower()
        page = httpx.get(server.url + "/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 404
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


@pytest.mark.parametrize("production", [False, True])
def test_internal_errors_are_masked_only_in_production(production):
    settings = mg.Settings(production=production)
    context = mg.Context(settings, BrokenClient(), http=None)
    result = asyncio.run(
        mg.build_schema(settings).execute("{ experiments { name } }", context_value=context)
    )
    [error] = result.errors
    if production:
        assert error.message == "Error interno."
    else:
        assert "secreto" in error.message


# --------------------------------------------------------------------------------------
# Fachada: MLflow + la API de predicción de la Clase 1
# --------------------------------------------------------------------------------------
DEPLOYMENT = """{ deployment(model: "iris-classifier") { champion { version }
    serving { reachable ready modelVersion error } inSync summary } }"""


@pytest.fixture(scope="module")
def clase1_api(tmp_path_factory):
    """La API real de la Clase 1, sirviendo un modelo etiquetado como versión 2 del registro."""
    import importlib.util
    import sys

    hands_on = ROOT / "clase1" / "hands-on"
    sys.path.insert(0, str(hands_on))
    modules = {}
    for name in ("iris_train", "iris_api"):
        spec = importlib.util.spec_from_file_location(name, hands_on / f"{name}.py")
        modules[name] = sys.modules.get(name) or importlib.util.module_from_spec(spec)
        if name not in sys.modules:
            sys.modules[name] = modules[name]
            spec.loader.exec_module(modules[name])
    bundle = modules["iris_train"].train(n_estimators=10, version="2")
    path = modules["iris_train"].save(bundle, tmp_path_factory.mktemp("clase1") / "iris.joblib")
    with UvicornThread(modules["iris_api"].create_app(path)).start(health_path="/ready") as server:
        yield server.url


def test_deployment_joins_registry_and_serving_api(seed_store, clase1_api):
    settings = mg.Settings(tracking_uri=seed_store.tracking_uri, prediction_api_url=clase1_api)
    with UvicornThread(mg.create_app(settings)).start(health_path="/health") as server:
        deployment = data(server.url, DEPLOYMENT)["deployment"]
    assert deployment["champion"] == {"version": 2}
    assert deployment["serving"] == {
        "reachable": True,
        "ready": True,
        "modelVersion": "2",
        "error": None,
    }
    assert deployment["inSync"] is True and "sirve la versión champion (2)" in deployment["summary"]


def test_deployment_detects_a_pending_rollout(mutable_store, clase1_api):
    settings = mg.Settings(tracking_uri=mutable_store.tracking_uri, prediction_api_url=clase1_api)
    with UvicornThread(mg.create_app(settings)).start(health_path="/health") as server:
        data(
            server.url,
            SET_ALIAS,
            {"i": {"modelName": "iris-classifier", "alias": "champion", "version": 3}},
        )
        deployment = data(server.url, DEPLOYMENT)["deployment"]
    assert deployment["inSync"] is False and "falta desplegar" in deployment["summary"]


def test_deployment_survives_the_other_service_being_down(seed_store):
    from coursekit import free_port

    dead = f"http://127.0.0.1:{free_port()}"
    settings = mg.Settings(tracking_uri=seed_store.tracking_uri, prediction_api_url=dead)
    with UvicornThread(mg.create_app(settings)).start(health_path="/health") as server:
        start = time.monotonic()
        deployment = data(server.url, DEPLOYMENT)["deployment"]
        elapsed = time.monotonic() - start
    assert deployment["champion"] == {"version": 2}  # MLflow responde igual
    assert deployment["serving"]["reachable"] is False and deployment["inSync"] is False
    assert "no se pudo conectar" in deployment["serving"]["error"]
    assert elapsed < settings.http_timeout_s + 5
