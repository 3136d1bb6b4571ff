"""DAG mínimo para la prueba del stack: escribe un objeto en S3, lo lee y registra una corrida
en MLflow. Usa solo las variables de entorno del stack (AWS_ENDPOINT_URL, MLFLOW_TRACKING_URI...).

    .venv/bin/python -m stack.localstack airflow dags test smoke_stack \
        -f tests/stack/dags/smoke_stack_dag.py -c '{"key": "smoke/airflow.txt"}'
"""

from __future__ import annotations

import os
from datetime import datetime

from airflow.sdk import dag, get_current_context, task

BUCKET = "datalake-raw"


def s3_client():
    # Import dentro de la función: el DAG se parsea seguido y boto3 tarda en importarse.
    import boto3

    return boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])


@dag(
    dag_id="smoke_stack",
    schedule=None,
    start_date=datetime(2025, 1, 1),
    catchup=False,
    params={"key": "smoke/airflow.txt"},
    tags=["stack"],
)
def smoke_stack():
    @task
    def write() -> str:
        key = get_current_context()["params"]["key"]
        s3_client().put_object(Bucket=BUCKET, Key=key, Body=b"hola desde Airflow")
        return key

    @task
    def read(key: str) -> str:
        body = s3_client().get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
        assert body == "hola desde Airflow", body
        return body

    @task
    def track(key: str) -> str:
        import mlflow

        mlflow.set_experiment("smoke-airflow")
        with mlflow.start_run() as run:
            mlflow.log_param("key", key)
        return run.info.run_id

    key = write()
    read(key) >> track(key)


smoke_stack()
