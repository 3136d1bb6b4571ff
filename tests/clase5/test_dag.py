"""El DAG de la clase corre completo con `airflow dags test` en el entorno de Airflow del stack y
deja sus efectos en S3 y en MLflow."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import clase5_support  # noqa: F401 - primero: agrega hands-on/ a sys.path
from clase5_support import PREFIX, ROOT, reset_model
from mlflow import MlflowClient

from coursekit import stack

MODEL = f"{PREFIX}-dag"


def test_the_dag_runs_end_to_end(config):
    link = ROOT / ".stack" / "airflow" / "dags" / "clase5"
    assert link.exists(), f"{link} no existe: correr `make stack-up` para enlazar los DAG"
    stack.require("postgres", timeout=10)
    reset_model(MODEL)
    conf = {"model_name": MODEL, "days": 3, "C": [1.0], "start": "2026-02-01"}
    env = {**os.environ, "LAKE_BUCKET_PREFIX": PREFIX, "LAKE_EXPERIMENT": "clase5-test"}
    result = subprocess.run(
        [sys.executable, "-m", "stack.localstack", "airflow", "dags", "test",
         "clase5_lake_pipeline", "-c", json.dumps(conf)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=600,
    )  # fmt: skip
    log = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    assert result.returncode == 0, log[-3000:]
    assert re.search(r"DagRun Finished: .*state=success", log), log[-3000:]
    started = re.findall(r"\[DAG TEST\] starting task_id=(\w+)", log)
    assert sorted(set(started)) == ["curate", "features", "ingest", "prepare", "register", "train"]
    assert started.count("ingest") == 3 and started.count("curate") == 3  # una por día
    assert "new_state=failed" not in log

    s3 = config.s3_client()
    for bucket, prefix in [(config.curated_bucket, "lecturas"), (config.features_bucket, "fallas")]:
        for day in ("2026-02-01", "2026-02-02", "2026-02-03"):
            key = f"{prefix}/fecha={day}/part-0.parquet"
            assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] > 0

    client = MlflowClient(config.tracking_uri)
    champion = client.get_model_version_by_alias(MODEL, "champion")
    assert champion.version == "1"
    run = client.get_run(champion.run_id)
    assert run.info.run_name == "airflow-C1.0"
    assert run.data.tags["dataset.path"] == f"s3://{PREFIX}-features/fallas"
    assert run.data.tags["dataset.days"] == "2026-02-01,2026-02-02,2026-02-03"
    assert 0.5 < run.data.metrics["roc_auc"] <= 1.0
