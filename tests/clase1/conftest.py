from __future__ import annotations

import sys
from pathlib import Path

import pytest

HANDS_ON = Path(__file__).resolve().parents[2] / "clase1" / "hands-on"
sys.path.insert(0, str(HANDS_ON))

import iris_train  # noqa: E402
from clase1_helpers import contract_checked_client  # noqa: E402
from iris_api.app import create_app  # noqa: E402

from coursekit import UvicornThread  # noqa: E402


@pytest.fixture(scope="session")
def model_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("modelo") / "iris_rf.joblib"
    return iris_train.save(iris_train.train(n_estimators=20, version="test-1"), path)


@pytest.fixture(scope="session")
def api(model_path):
    """La API real, sirviendo por HTTP en un puerto libre: (app, url)."""
    app = create_app(model_path=model_path)
    with UvicornThread(app) as server:
        yield app, server.url


@pytest.fixture(scope="session")
def api_url(api) -> str:
    return api[1]


@pytest.fixture()
def client(api):
    """Cliente de la API que además verifica cada respuesta contra su documento OpenAPI."""
    app, url = api
    with contract_checked_client(app, url) as http:
        yield http
