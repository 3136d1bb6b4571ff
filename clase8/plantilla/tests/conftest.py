"""Datos y modelo de prueba: nada de servicios externos, todo en una carpeta temporal."""

from __future__ import annotations

import joblib
import pytest

from mi_proyecto import data, train


@pytest.fixture(scope="session")
def model_path(tmp_path_factory):
    model = train.train(data.validate(data.generate(seed=1)))
    path = tmp_path_factory.mktemp("modelo") / "model.joblib"
    joblib.dump(model, path)
    return path
