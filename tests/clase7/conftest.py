from __future__ import annotations

import sys
from pathlib import Path

import pytest

HANDS_ON = Path(__file__).resolve().parents[2] / "clase7" / "hands-on"
sys.path.insert(0, str(HANDS_ON))

import secure_model  # noqa: E402
from secure_api.app import create_app  # noqa: E402
from secure_api.settings import Settings  # noqa: E402

from coursekit import UvicornThread  # noqa: E402


@pytest.fixture(scope="session")
def model_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("modelo") / "digits_lr.joblib"
    return secure_model.save(secure_model.train(version="test-1"), path)


@pytest.fixture(scope="session")
def settings(model_path) -> Settings:
    """Configuración de desarrollo (identidades y secretos documentados) con el modelo de prueba."""
    return Settings(model_path=model_path)


@pytest.fixture(scope="session")
def app(settings):
    return create_app(settings)


@pytest.fixture(scope="session")
def spec(app) -> dict:
    """El documento OpenAPI: cada respuesta de las pruebas debe estar declarada en él."""
    return app.openapi()


@pytest.fixture(scope="session")
def api_url(app):
    """La API real, sirviendo por HTTP en un puerto libre."""
    with UvicornThread(app).start(health_path="/ready") as server:
        yield server.url


@pytest.fixture(scope="session")
def pixels() -> list[float]:
    _, x_test, _, _ = secure_model.load_data()
    return x_test[0].tolist()


@pytest.fixture(scope="session")
def tokens(api_url) -> dict[str, str]:
    """Un token real por perfil, obtenido una sola vez (el login tiene su propio límite)."""
    import httpx

    def login(username: str, password: str, scope: str | None = None) -> str:
        form = {"username": username, "password": password}
        if scope:
            form["scope"] = scope
        response = httpx.post(api_url + "/token", data=form)
        response.raise_for_status()
        return response.json()["access_token"]

    return {
        "analyst": login("analista", "analista-dev-2026"),
        "auditor": login("auditora", "auditora-dev-2026"),
        "admin_only": login("auditora", "auditora-dev-2026", scope="admin"),
    }


@pytest.fixture()
def fresh_server(settings):
    """Una instancia propia (con sus propios baldes de cuota) para pruebas que los agotan."""
    servers = []

    def start(**overrides) -> str:
        custom = Settings(model_path=settings.model_path, **overrides)
        servers.append(UvicornThread(create_app(custom)).start(health_path="/ready"))
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()
