"""Pruebas de integración de la Clase 5 contra el S3 (MinIO) y el MLflow del stack.

Todo lo que crean lleva el prefijo `clase5-test`: buckets `clase5-test-raw|curated|features`,
modelos registrados `clase5-test-*`. Se recrean en cada sesión, así que son independientes de lo
que hayan dejado los notebooks.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HANDS_ON = ROOT / "clase5" / "hands-on"
sys.path.insert(0, str(HANDS_ON))
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
os.environ.setdefault("MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT", "true")

import c5_lake  # noqa: E402

from coursekit import stack  # noqa: E402

PREFIX = "clase5-test"


@pytest.fixture(scope="session")
def config() -> c5_lake.LakeConfig:
    stack.require("minio", "mlflow", timeout=10)
    env = {**os.environ, "LAKE_BUCKET_PREFIX": PREFIX, "LAKE_EXPERIMENT": "clase5-test"}
    cfg = c5_lake.LakeConfig.from_env(env)
    c5_lake.ensure_buckets(cfg)
    return cfg


@pytest.fixture(scope="session")
def lake(config) -> list:
    """Tres días ingeridos y procesados hasta features en los buckets de prueba."""
    days = c5_lake.days_from("2026-01-01", 3)
    for day in days:
        c5_lake.ingest_raw(config, day)
        c5_lake.raw_to_curated(config, day)
    c5_lake.build_features(config, days)
    return days


def reset_model(name: str) -> None:
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    with contextlib.suppress(MlflowException):
        MlflowClient(stack.env("MLFLOW_TRACKING_URI")).delete_registered_model(name)


@pytest.fixture(scope="session")
def served_model(config, lake) -> dict:
    """Modelo `clase5-test-servicio` con dos versiones; `champion` apunta a la 1."""
    cfg = replace(config, model_name=f"{PREFIX}-servicio")
    reset_model(cfg.model_name)
    versions = []
    for C in (0.01, 1.0):
        run = c5_lake.train_and_log(cfg, lake, C=C, run_name=f"test-C{C}")
        versions.append(
            c5_lake.register(cfg, run["model_uri"], run["run_id"], run["metrics"]["roc_auc"])
        )
    from mlflow import MlflowClient

    MlflowClient(cfg.tracking_uri).set_registered_model_alias(cfg.model_name, "champion", "1")
    return {"config": cfg, "versions": versions}
