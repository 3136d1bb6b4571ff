"""Pruebas de contrato de las queries: el grafo experimento → runs → métricas, filtros, orden,
paginación, el registro de modelos y la cuenta de llamadas a MLflow de cada respuesta."""

from __future__ import annotations

from clase2_support import data, gql, run_ids

RUN_FIELDS = 'fragment R on Run { id name accuracy: metric(key: "accuracy") }'


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


def test_partial_errors_keep_the_rest_of_the_data(api_url):
    status, body = gql(api_url, '{ experiments { name } run(id: "nope") { name } }')
    assert status == 200
    assert len(body["data"]["experiments"]) == 3 and body["data"]["run"] is None
    assert body["errors"][0]["path"] == ["run"]
