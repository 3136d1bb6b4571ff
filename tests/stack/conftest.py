"""Utilidades de las pruebas del stack: la CLI del modo local y un sufijo único por corrida."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_localstack(*args: str, env: dict[str, str] | None = None, timeout: float = 600):
    """Ejecuta `python -m stack.localstack ARGS` (desde la raíz) con el mismo Python que pytest."""
    return subprocess.run(
        [sys.executable, "-m", "stack.localstack", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def localstack():
    """La CLI del modo local como función: `localstack("status").returncode`."""
    return run_localstack


@pytest.fixture
def unique() -> str:
    """Sufijo distinto en cada prueba: tópicos, streams y claves no chocan entre corridas."""
    return uuid.uuid4().hex[:12]
