"""Fixtures de integración de la Clase 5 contra el S3 (MinIO) y el MLflow del stack.

Todo lo que crean lleva el prefijo `clase5-test`: buckets `clase5-test-raw|curated|features`,
modelos registrados `clase5-test-*`. Se recrean en cada sesión, así que son independientes de lo
que hayan dejado los notebooks.
"""

from __future__ import annotations

import os
from dataclasses import replace

import clase5_support  # noqa: F401 - primero: agrega hands-on/ a sys.path
import pytest
from clase5_support import PREFIX, reset_model
from lake import config as lake_config
from lake import etl, ingest, registry, training

from coursekit import stack


@pytest.fixture(scope="session", autouse=True)
def quiet_mlflow():
    """Sin barras de progreso ni enlaces «View run» en la salida de las pruebas."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
        patch.setenv("MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT", "true")
        yield


@pytest.fixture(scope="session")
def config() -> lake_config.LakeConfig:
    stack.require("minio", "mlflow", timeout=10)
    env = {**os.environ, "LAKE_BUCKET_PREFIX": PREFIX, "LAKE_EXPERIMENT": "clase5-test"}
    cfg = lake_config.LakeConfig.from_env(env)
    lake_config.ensure_buckets(cfg)
    return cfg


@pytest.fixture(scope="session")
def lake(config) -> list:
    """Cinco días ingeridos y procesados hasta features en los buckets de prueba."""
    days = ingest.days_from("2026-01-01", 5)
    for day in days:
        ingest.ingest_raw(config, day)
        etl.raw_to_curated(config, day)
    etl.build_features(config, days)
    return days


@pytest.fixture(scope="session")
def served_model(config, lake) -> dict:
    """Modelo `clase5-test-servicio` con dos versiones; `champion` apunta a la 1."""
    cfg = replace(config, model_name=f"{PREFIX}-servicio")
    reset_model(cfg.model_name)
    versions = []
    for C in (0.01, 1.0):
        run = training.train_and_log(cfg, lake, C_grid=(C,), run_name=f"test-C{C}")
        versions.append(registry.register(cfg, run["model_uri"], run["run_id"]))
    from mlflow import MlflowClient

    MlflowClient(cfg.tracking_uri).set_registered_model_alias(cfg.model_name, "champion", "1")
    return {"config": cfg, "versions": versions}
