from __future__ import annotations

import sys
from pathlib import Path

import pytest

HANDS_ON = Path(__file__).resolve().parents[2] / "clase4" / "hands-on"
sys.path.insert(0, str(HANDS_ON))

from fraud_stream import model as fraud_model  # noqa: E402


@pytest.fixture(scope="session")
def bundle() -> dict:
    return fraud_model.train()


@pytest.fixture(scope="session")
def model_path(bundle, tmp_path_factory) -> Path:
    return fraud_model.save(bundle, tmp_path_factory.mktemp("modelo") / "fraud_model.json")


def pytest_configure(config):
    # kafka-python 3.0.12 usa una API vieja de importlib.resources al importarse: ruido ajeno.
    config.addinivalue_line(
        "filterwarnings", "ignore:(read|open)_text is deprecated:DeprecationWarning"
    )
