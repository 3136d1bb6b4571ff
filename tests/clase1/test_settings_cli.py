"""Configuración (`Settings.from_env`) y arranque fuera de Jupyter (`python -m iris_api`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import iris_train
import pytest
from iris_api.settings import DEV_MODEL_PATH, Settings

from coursekit import BackgroundProcess, free_port

HANDS_ON = Path(__file__).resolve().parents[2] / "clase1" / "hands-on"


def test_defaults_are_for_development():
    settings = Settings.from_env({})
    assert settings == Settings(model_path=None, env="development", job_store="memory")
    assert settings.model_file == DEV_MODEL_PATH
    assert settings.redis_url == "redis://localhost:6379/0"  # el del stack


def test_production_requires_an_explicit_model_path_and_a_shared_job_store():
    with pytest.raises(ValueError, match="APP_ENV=production exige MODEL_PATH"):
        Settings.from_env({"APP_ENV": "production", "JOB_STORE": "redis"})
    with pytest.raises(ValueError, match="APP_ENV=production exige JOB_STORE=redis"):
        Settings.from_env({"APP_ENV": "production", "MODEL_PATH": str(DEV_MODEL_PATH)})
    environ = {"APP_ENV": "production", "MODEL_PATH": str(DEV_MODEL_PATH), "JOB_STORE": "redis"}
    settings = Settings.from_env(environ)
    assert settings.model_file == DEV_MODEL_PATH  # explícito: vale aunque sea el de artifacts/


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"JOB_STORE": "postgres"}, "JOB_STORE='postgres' no es válido"),
        ({"JOB_STORE": "redis", "REDIS_URL": "localhost:6379"}, "debe empezar con redis://"),
    ],
)
def test_job_store_settings_are_checked(environ, message):
    with pytest.raises(ValueError, match=message):
        Settings.from_env(environ)


def test_redis_settings_come_from_the_environment():
    environ = {"JOB_STORE": "redis", "REDIS_URL": "redis://cache:6380/2", "JOBS_PREFIX": "t:"}
    settings = Settings.from_env(environ)
    assert (settings.job_store, settings.redis_url, settings.jobs_prefix) == (
        "redis",
        "redis://cache:6380/2",
        "t:",
    )


def test_unknown_environment_is_rejected():
    with pytest.raises(ValueError, match="APP_ENV='produccion' no es válido"):
        Settings.from_env({"APP_ENV": "produccion"})


def clean_env(**extra: str) -> dict[str, str]:
    own = ("MODEL_PATH", "APP_ENV", "JOB_STORE", "REDIS_URL", "JOBS_PREFIX")
    env = {k: v for k, v in os.environ.items() if k not in own}
    return {**env, **extra}


def test_cli_fails_fast_with_a_clear_message():
    result = subprocess.run(
        [sys.executable, "-m", "iris_api", "--port", str(free_port())],
        cwd=HANDS_ON,
        env=clean_env(APP_ENV="production"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "Configuración inválida: APP_ENV=production exige MODEL_PATH" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "iris_api", "--model-path", "{model}"],
        [sys.executable, "-m", "uvicorn", "--factory", "iris_api.app:create_app"],
    ],
    ids=["python-m", "uvicorn-factory"],
)
def test_service_starts_outside_jupyter(tmp_path, command):
    model = iris_train.save(
        iris_train.train(n_estimators=5, version="cli-1"), tmp_path / "m.joblib"
    )
    port = free_port()
    args = [part.replace("{model}", str(model)) for part in command] + ["--port", str(port)]
    server = BackgroundProcess(
        args,
        log_path=tmp_path / "api.log",
        cwd=HANDS_ON,
        env=clean_env(MODEL_PATH=str(model)) if "uvicorn" in command else clean_env(),
        name="iris_api",
    )
    with server.start(ready_url=f"http://127.0.0.1:{port}/ready", timeout=60):
        ready = httpx.get(f"http://127.0.0.1:{port}/ready").json()
    assert ready == {"status": "ready", "model_version": "cli-1"}
