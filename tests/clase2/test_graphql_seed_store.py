"""El almacén de MLflow que usan los notebooks se reconstruye igual cada vez (idempotencia)."""

from __future__ import annotations

import mlflow_graphql_seed as seed
from mlflow import MlflowClient


def snapshot(store: seed.Store) -> dict:
    """Todo lo que los notebooks muestran, sin ids ni fechas (que cambian en cada corrida)."""
    client = MlflowClient(store.tracking_uri, registry_uri=store.tracking_uri)
    experiments = client.search_experiments(order_by=["name ASC"])
    runs = client.search_runs([e.experiment_id for e in experiments], max_results=100)
    by_id = {r.info.run_id: r.info.run_name for r in runs}
    models = {}
    for model in client.search_registered_models():
        versions = client.search_model_versions(f"name = '{model.name}'")
        models[model.name] = {
            "aliases": dict(model.aliases),
            "versions": {int(v.version): by_id[v.run_id] for v in versions},
        }
    return {
        "experiments": [e.name for e in experiments],
        "runs": {
            r.info.run_name: (r.data.params, r.data.metrics, r.info.status)
            for r in sorted(runs, key=lambda r: r.info.run_name)
        },
        "history": {
            r.info.run_name: [
                m.value for m in client.get_metric_history(r.info.run_id, "val_accuracy")
            ]
            for r in runs
        },
        "models": models,
    }


def test_seed_contents(seed_store):
    state = snapshot(seed_store)
    assert state["experiments"] == ["clase2-breast-cancer", "clase2-iris", "clase2-wine"]
    assert len(state["runs"]) == 15
    assert all(status == "FINISHED" for _, _, status in state["runs"].values())
    assert len(state["history"]["iris-gboost-lr0.1"]) == 20
    for model in state["models"].values():
        assert model["aliases"] == {"champion": 2, "challenger": 3}
        assert sorted(model["versions"]) == [1, 2, 3]


def test_building_twice_gives_the_same_store(seed_store, tmp_path):
    again = seed.build_store(tmp_path / "otra", verbose=False)
    assert snapshot(again) == snapshot(seed_store)


def test_working_copy_is_independent(seed_store):
    copy = seed.working_copy("copia-independiente", seed_store.root)
    client = MlflowClient(copy.tracking_uri, registry_uri=copy.tracking_uri)
    client.set_registered_model_alias("iris-classifier", "champion", "3")
    assert snapshot(seed_store)["models"]["iris-classifier"]["aliases"]["champion"] == 2
    assert snapshot(copy)["models"]["iris-classifier"]["aliases"]["champion"] == 3
