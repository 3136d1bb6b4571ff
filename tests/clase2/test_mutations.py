"""Pruebas de contrato de las mutaciones: cambian MLflow de verdad, y una entrada mala da un
error GraphQL claro (HTTP 200 con `errors`) sin cambiar nada."""

from __future__ import annotations

import json

import pytest
from clase2_support import REGISTER, SET_ALIAS, SET_TAG, VALID_MISSING_RUN, data, gql, run_ids
from mlflow import MlflowClient


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
    ids=[
        "tag-missing-run",
        "tag-system-prefix",
        "tag-value-too-long",
        "tag-invalid-key",
        "tag-missing-value",
        "register-invalid-model-name",
        "register-missing-run",
        "alias-missing-version",
        "alias-missing-model",
        "alias-reserved-v-number",
        "alias-reserved-latest",
        "alias-invalid-characters",
        "alias-version-not-an-int",
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
