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
    assert settings == Settings(model_path=None, env="development")
    assert settings.model_file == DEV_MODEL_PATH


def test_production_requires_an_explicit_model_path():
    with pytest.raises(ValueError, match="APP_ENV=production exige MODEL_PATH"):
        Settings.from_env({"APP_ENV": "production"})
    settings = Settings.from_env({"APP_ENV": "production", "MODEL_PATH": str(DEV_MODEL_PATH)})
    assert settings.model_file == DEV_MODEL_PATH  # explícito: vale aunque sea el de artifacts/


def test_unknown_environment_is_rejected():
    with pytest.raises(ValueError, match="APP_ENV='produccion' no es válido"):
        Settings.from_env({"APP_ENV": "produccion"})


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MODEL_PATH", "APP_ENV")}
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
