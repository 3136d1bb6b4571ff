from __future__ import annotations

import sys
from pathlib import Path

import pytest

HANDS_ON = Path(__file__).resolve().parents[2] / "clase7" / "hands-on"
sys.path.insert(0, str(HANDS_ON))

import secure_api  # noqa: E402
import secure_model  # noqa: E402

from coursekit import UvicornThread  # noqa: E402


@pytest.fixture(scope="session")
def model_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("modelo") / "digits_lr.joblib"
    return secure_model.save(secure_model.train(version="test-1"), path)


@pytest.fixture(scope="session")
def settings(model_path) -> secure_api.Settings:
    """Configuración de desarrollo (identidades y secretos documentados) con el modelo de prueba."""
    return secure_api.Settings(model_path=model_path)


@pytest.fixture(scope="session")
def api_url(settings):
    """La API real, sirviendo por HTTP en un puerto libre."""
    with UvicornThread(secure_api.create_app(settings)).start(health_path="/ready") as server:
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
        "analista": login("analista", "analista-dev-2026"),
        "auditora": login("auditora", "auditora-dev-2026"),
        "solo_admin": login("auditora", "auditora-dev-2026", scope="admin"),
    }
