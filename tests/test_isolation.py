"""Las pruebas comparten el proceso de pytest: una no cambia a dónde apuntan las siguientes."""

from __future__ import annotations

import os

from coursekit import stack

ORIGINAL = stack.env("MLFLOW_TRACKING_URI")


def test_set_tracking_uri_changes_the_environment(tmp_path):
    import mlflow

    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    # Lo que hace MLflow 3 (y lo que rompía a las pruebas siguientes antes de tests/conftest.py).
    assert os.environ["MLFLOW_TRACKING_URI"].startswith("sqlite:///")


def test_next_test_sees_the_stack_endpoint_again():
    assert stack.env("MLFLOW_TRACKING_URI") == ORIGINAL
