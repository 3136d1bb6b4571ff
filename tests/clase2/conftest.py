"""Fixtures de la Clase 2: un MLflow real sembrado una vez por sesión y el servicio GraphQL."""

from __future__ import annotations

import itertools

import clase2_support  # noqa: F401 - primero: agrega hands-on/ a sys.path
import mlflow_graphql_seed as seed
import pytest
from mlflow_graphql.app import create_app
from mlflow_graphql.settings import Settings

from coursekit import UvicornThread

_copies = itertools.count()


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory) -> seed.Store:
    """Un MLflow real (SQLite) con los 15 runs, 3 modelos registrados y sus alias."""
    return seed.build_store(tmp_path_factory.mktemp("mlflow") / "seed", verbose=False)


def fresh_copy(seed_store: seed.Store) -> seed.Store:
    return seed.working_copy(f"copia-{next(_copies)}", seed_store.root)


@pytest.fixture(scope="session")
def api_url(seed_store) -> str:
    """El servicio real por HTTP, sobre una copia que ninguna prueba modifica."""
    settings = Settings(tracking_uri=fresh_copy(seed_store).tracking_uri)
    with UvicornThread(create_app(settings)).start(health_path="/ready") as server:
        yield server.url


@pytest.fixture()
def mutable_store(seed_store) -> seed.Store:
    return fresh_copy(seed_store)


@pytest.fixture()
def mutable_api(mutable_store) -> str:
    """Servicio sobre una copia propia de la prueba: las mutaciones no afectan a las demás."""
    settings = Settings(tracking_uri=mutable_store.tracking_uri)
    with UvicornThread(create_app(settings)).start(health_path="/ready") as server:
        yield server.url
