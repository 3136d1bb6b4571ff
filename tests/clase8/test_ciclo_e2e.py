"""El proyecto de referencia de punta a punta contra el stack local (make stack-up).

Usa su propio modelo registrado, prefijo en S3 y temas de Kafka (`clase8-e2e...`), así no pisa
lo que deja el notebook. Pasos: el DAG corre en Airflow (por la API REST) y promueve la primera
versión; la API la sirve; un reentrenamiento con datos mejores (las mismas funciones que llama el
DAG, en este proceso) promueve otra versión y la API y el consumidor de Kafka la toman solos.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from openapi_contract import assert_declared
from proyecto_ref import app as app_module
from proyecto_ref import pipeline, prediction, streaming
from proyecto_ref.airflow_client import DAG_ID, AirflowClient
from proyecto_ref.config import DEV_API_KEY, Settings

from coursekit import UvicornThread, stack

pytestmark = pytest.mark.stack
KEY = {"X-API-Key": DEV_API_KEY}
CUSTOMER = {"tenure_months": 3, "monthly_charge": 120, "complaints": 4, "data_usage_gb": 2}


@pytest.fixture(scope="module")
def settings() -> Settings:
    stack.require("kafka", "minio", "mlflow", "airflow", timeout=60)
    settings = Settings.from_env().with_overrides(
        model_name="clase8-churn-e2e",
        prefix="clase8/e2e",
        reload_interval_s=0.5,
        topic_events="clase8-e2e-events",
        topic_predictions="clase8-e2e-predictions",
        topic_dlq="clase8-e2e-dlq",
        consumer_group="clase8-e2e",
    )
    with contextlib.suppress(MlflowException):  # registro limpio: la primera versión es la 1
        MlflowClient(settings.mlflow_tracking_uri).delete_registered_model(settings.model_name)
    return settings


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"no ocurrió en {timeout:.0f} s: {what}"
        time.sleep(0.2)
    return value


def test_full_cycle(settings):
    # 1. El DAG, disparado por la API REST de Airflow, promueve la primera versión.
    airflow = AirflowClient(stack.endpoint("airflow"))
    airflow.wait_for_dag(DAG_ID)
    airflow.wait_idle(DAG_ID)  # corridas ajenas (el notebook) no cuentan en el tiempo límite
    airflow.unpause(DAG_ID)
    conf = {"batch": "initial", "model_name": settings.model_name, "prefix": settings.prefix}
    triggered = datetime.now(UTC)
    run_id = airflow.trigger(DAG_ID, conf)
    state = airflow.wait(DAG_ID, run_id, timeout=240)
    assert state == "success", airflow.task_states(DAG_ID, run_id)
    decision = airflow.xcom(DAG_ID, run_id, "train_and_promote")["promotion"]
    assert decision["promoted"] and decision["version"] == "1"
    # El instante de la decisión cae dentro de la tarea que promueve (mismo reloj).
    train = airflow.task_instances(DAG_ID, run_id)[-1]
    assert train["task_id"] == "train_and_promote"
    decided = datetime.fromisoformat(decision["decided_at"])
    assert triggered <= datetime.fromisoformat(train["start_date"]) <= decided
    assert decided <= datetime.fromisoformat(train["end_date"])
    client = MlflowClient(settings.mlflow_tracking_uri)
    assert client.get_model_version_by_alias(settings.model_name, "champion").version == "1"
    assert client.get_model_version(settings.model_name, "1").tags == {
        "batch": "initial",
        "decision": "promoted",
    }
    airflow.close()

    # 2. La API sirve al campeón, con credenciales y validación (todo declarado en OpenAPI).
    stop = threading.Event()
    # El consumidor recibe su vigía del campeón para que la prueba sepa qué versión sirve: la API
    # y el consumidor sondean MLflow cada uno por su cuenta y pueden recargar en momentos distintos.
    watcher = prediction.champion_watcher(settings).start()
    consumer = threading.Thread(
        target=streaming.run, args=(settings, stop), kwargs={"champion": watcher}, daemon=True
    )
    app = app_module.create_app(settings)
    spec = app.openapi()
    with UvicornThread(app).start(health_path="/ready", timeout=60) as srv:
        api = httpx.Client(base_url=srv.url, timeout=30)
        ready = api.get("/ready")
        assert ready.json() == {"status": "ready", "model": settings.model_name, "version": "1"}
        unauthorized = api.get("/v1/model")
        assert unauthorized.status_code == 401
        assert api.get("/v1/model", headers=KEY).json()["version"] == "1"
        ok = api.post("/v1/predict", json={"instances": [CUSTOMER]}, headers=KEY)
        assert ok.status_code == 200 and ok.json()["predictions"][0]["version"] == "1"
        bad = api.post(
            "/v1/predict", json={"instances": [{**CUSTOMER, "complaints": 99}]}, headers=KEY
        )
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"] == "instances.0.complaints"
        metrics = api.get("/metrics")  # público, con los mismos nombres que la Clase 1
        for response in (ready, unauthorized, ok, bad, metrics):
            assert_declared(spec, response)
        for status in (200, 422):
            series = f'http_requests_total{{method="POST",route="/v1/predict",status="{status}"}}'
            assert f"{series} 1.0" in metrics.text

        # 3. Reentrenar con datos mejores promueve la versión 2 y la API la toma sola.
        streaming.ensure_topics(settings)
        consumer.start()
        result = pipeline.run(settings, "improved")
        assert result["promotion"]["promoted"] and result["promotion"]["version"] == "2"
        wait_until(
            lambda: api.get("/v1/model", headers=KEY).json()["version"] == "2",
            30,
            "la API recarga la versión 2",
        )
        wait_until(
            lambda: watcher.current is not None and watcher.current.version == "2",
            30,
            "el consumidor recarga la versión 2",
        )

        # 4. Las predicciones por Kafka llegan, con el nuevo campeón; lo malformado, a la DLQ.
        nonce, found = exchange_events(settings)
        api.close()
    stop.set()
    consumer.join(timeout=30)
    watcher.stop()
    assert not consumer.is_alive()
    assert set(found) == {nonce, f"{nonce}-x"}, found
    topic, predicted = found[nonce]
    assert topic == settings.topic_predictions and predicted["version"] == "2"
    assert found[f"{nonce}-x"] == (
        settings.topic_dlq,
        {"id": f"{nonce}-x", "reason": "falta el campo 'customer'"},
    )


def exchange_events(settings: Settings) -> tuple[str, dict[str, tuple[str, dict]]]:
    """Manda un evento válido y uno sin cliente; devuelve su id y {id: (tema, valor)}."""
    from kafka import KafkaConsumer, KafkaProducer

    nonce = uuid.uuid4().hex[:8]
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
    reader = KafkaConsumer(
        settings.topic_predictions,
        settings.topic_dlq,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        consumer_timeout_ms=1000,
    )
    producer.send(settings.topic_events, json.dumps({"id": nonce, "customer": CUSTOMER}).encode())
    producer.send(settings.topic_events, json.dumps({"id": f"{nonce}-x"}).encode())
    producer.flush()
    found: dict[str, tuple[str, dict]] = {}
    deadline = time.monotonic() + 60
    while len(found) < 2 and time.monotonic() < deadline:
        for message in reader:
            value = json.loads(message.value)
            if str(value.get("id", "")).startswith(nonce):
                found[value["id"]] = (message.topic, value)
    producer.close()
    reader.close()
    return nonce, found
