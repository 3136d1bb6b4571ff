"""El DAG de la clase, ejecutado por el scheduler real del stack (no por `airflow dags test`).

Una corrida del DAG cuesta alrededor de un minuto, así que la prueba comparte la del notebook 4:
si hay una corrida exitosa con los mismos parámetros (`CONF`), disparada por la API REST y
posterior al último cambio del DAG y del paquete `lake`, verifica esa; si no, dispara una igual
y la espera. Lo que verifica es lo mismo en los dos casos: la corrida y cada instancia de tarea
terminaron bien, el evento del asset creó una corrida del DAG que lo espera, y los efectos en S3
(particiones) y en MLflow (versión, datos exactos y decisión de promoción) son los esperados.
Los datos van a los buckets `clase5-*` del stack: el entorno de Airflow es el del stack.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime

import clase5_support  # noqa: F401 - primero: agrega hands-on/ a sys.path
import pytest
from airflow_rest import AirflowRest
from clase5_support import HANDS_ON, reset_model
from lake.config import LakeConfig
from mlflow import MlflowClient

from coursekit import stack

DAG_ID, ASSET_DAG_ID = "clase5_lake_pipeline", "clase5_features_ready"
MODEL = "clase5-fallas-airflow"  # el del notebook 4
CONF = {"model_name": MODEL, "days": 5}  # los mismos parámetros que usa el notebook 4
DAYS = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05"]


def code_changed_at() -> datetime:
    """Cuándo cambió por última vez el código que ejecuta la corrida (DAG y paquete lake)."""
    files = [*(HANDS_ON / "dags").glob("*.py"), *(HANDS_ON / "lake").glob("*.py")]
    return datetime.fromtimestamp(max(f.stat().st_mtime for f in files), tz=UTC)


def reusable_run(api: AirflowRest) -> dict | None:
    """La última corrida exitosa con CONF, disparada por la API y posterior al código actual."""
    changed = code_changed_at()
    for run in api.runs(DAG_ID, state="success", order_by="-run_after", limit=20):
        started = datetime.fromisoformat(run["start_date"])
        if run["conf"] == CONF and run["triggered_by"] == "rest_api" and started > changed:
            return run
    return None


@pytest.fixture(scope="module")
def api():
    stack.require("postgres", "minio", "mlflow", "airflow", timeout=10)
    client = AirflowRest(stack.endpoint("airflow"))
    yield client
    client.close()


@pytest.fixture(scope="module")
def dag_run(api) -> dict:
    """La corrida que se verifica: la del notebook 4 si sirve; si no, una nueva igual."""
    run = reusable_run(api)
    if run is None:
        reset_model(MODEL)
        for dag_id in (DAG_ID, ASSET_DAG_ID):
            api.wait_for_dag(dag_id)
            api.unpause(dag_id)
        run = api.wait(DAG_ID, api.trigger(DAG_ID, CONF), timeout=900)
    return run


def test_the_dag_files_import_without_errors(api):
    errors = api.get("/importErrors")["import_errors"]
    assert not [e for e in errors if "clase5" in e["filename"]], errors


def test_the_scheduler_ran_every_task_instance(api, dag_run):
    assert dag_run["state"] == "success" and dag_run["run_type"] == "manual"
    instances = api.task_instances(DAG_ID, dag_run["dag_run_id"])
    assert {ti["state"] for ti in instances} == {"success"}
    counts = Counter(ti["task_id"] for ti in instances)
    expected = {"prepare": 1, "ingest": 5, "curate": 5, "features": 1, "train": 1, "register": 1}
    assert counts == expected  # una instancia de ingest y de curate por día
    mapped = sorted(ti["map_index"] for ti in instances if ti["task_id"] == "ingest")
    assert mapped == [0, 1, 2, 3, 4]


def test_the_features_asset_triggered_the_waiting_dag(api, dag_run):
    deadline = time.monotonic() + 120
    while True:
        events = api.asset_events(source_dag_id=DAG_ID, source_run_id=dag_run["dag_run_id"])
        if events and events[0]["created_dagruns"]:
            break
        assert time.monotonic() < deadline, "el asset no creó ninguna corrida en 120 s"
        time.sleep(1)
    assert events[0]["extra"] == {"days": DAYS, "rows": 1200}
    created = events[0]["created_dagruns"][0]
    downstream = api.wait(ASSET_DAG_ID, created["run_id"], timeout=300)
    assert downstream["state"] == "success" and downstream["run_type"] == "asset_triggered"
    announced = api.xcom(ASSET_DAG_ID, created["run_id"], "announce")
    assert announced["days"] == DAYS and announced["source_dag_id"] == DAG_ID


def test_the_run_left_partitions_a_version_and_a_fair_promotion(api, dag_run):
    run_id = dag_run["dag_run_id"]
    trained, decision = api.xcom(DAG_ID, run_id, "train"), api.xcom(DAG_ID, run_id, "register")
    assert trained["C"] in (0.01, 0.1, 1.0) and set(trained["validation"]) == {"0.01", "0.1", "1.0"}
    assert list(trained["reference"]["versions"]) == ["fallas/fecha=2026-01-05/part-0.parquet"]
    assert decision["version"] == "1" and decision["promoted"]  # el notebook recrea el modelo

    config = LakeConfig.from_env()
    s3 = config.s3_client()
    for bucket, prefix in [(config.curated_bucket, "lecturas"), (config.features_bucket, "fallas")]:
        for day in DAYS:
            key = f"{prefix}/fecha={day}/part-0.parquet"
            assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] > 0

    client = MlflowClient(config.tracking_uri)
    version = client.get_model_version(MODEL, decision["version"])
    assert version.run_id == trained["run_id"]
    assert version.tags["promotion.reference"] == decision["reference"]
    run = client.get_run(trained["run_id"])
    assert run.info.run_name == "airflow" and run.data.tags["dataset.days"] == ",".join(DAYS)
    assert run.data.tags["reference.digest"] == decision["reference"]
    assert 0.5 < run.data.metrics["roc_auc"] <= 1.0
