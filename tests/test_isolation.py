"""Las pruebas comparten el proceso de pytest: una no cambia a dónde apuntan las siguientes."""

from __future__ import annotations

import os

import pytest

from coursekit import stack

ORIGINAL = stack.env("MLFLOW_TRACKING_URI")


@pytest.fixture(scope="module")
def local_mlflow_store(tmp_path_factory):
    """Como los fixtures de la Clase 2: apunta MLflow a un sqlite antes que los de cada prueba."""
    import mlflow

    mlflow.set_tracking_uri(f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}")
    return os.environ["MLFLOW_TRACKING_URI"]


def test_set_tracking_uri_changes_the_environment(local_mlflow_store):
    # Lo que hace MLflow 3 (y lo que desviaba a las pruebas siguientes antes de tests/conftest.py).
    assert local_mlflow_store.startswith("sqlite:///")
    assert os.environ["MLFLOW_TRACKING_URI"] == local_mlflow_store


def test_next_test_sees_the_stack_endpoint_again():
    assert stack.env("MLFLOW_TRACKING_URI") == ORIGINAL


def test_writes_to_the_environment_are_undone():
    os.environ["MLOPS2_PRUEBA_AISLAMIENTO"] = "1"  # sin monkeypatch, a propósito


def test_previous_write_is_gone():
    assert "MLOPS2_PRUEBA_AISLAMIENTO" not in os.environ
