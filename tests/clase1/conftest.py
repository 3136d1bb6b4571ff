from __future__ import annotations

import sys
from pathlib import Path

import pytest

HANDS_ON = Path(__file__).resolve().parents[2] / "clase1" / "hands-on"
sys.path.insert(0, str(HANDS_ON))

import iris_api  # noqa: E402
import iris_train  # noqa: E402

from coursekit import UvicornThread  # noqa: E402


@pytest.fixture(scope="session")
def model_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("modelo") / "iris_rf.joblib"
    return iris_train.save(iris_train.train(n_estimators=20, version="test-1"), path)


@pytest.fixture(scope="session")
def api_url(model_path):
    """La API real, sirviendo por HTTP en un puerto libre."""
    with UvicornThread(iris_api.create_app(model_path)) as server:
        yield server.url
