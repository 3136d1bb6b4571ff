"""La suscripción por WebSocket (graphql-transport-ws): métricas de un entrenamiento en vivo."""

from __future__ import annotations

import json
import threading
import time

from clase2_support import VALID_MISSING_RUN, run_ids
from mlflow import MlflowClient
from websockets.sync.client import connect

FEED = """subscription($id: ID!, $key: String!) {
  metricUpdates(runId: $id, key: $key) { key step value } }"""


def ws_url(http_url: str) -> str:
    return http_url.replace("http://", "ws://") + "/graphql"


def subscribe(url: str, query: str, variables: dict, timeout: float = 30.0) -> list[dict]:
    """Protocolo graphql-transport-ws a mano; devuelve los mensajes hasta complete o error."""
    messages = []
    with connect(ws_url(url), subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:
        ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "connection_ack"}
        ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": query, "variables": variables},
                }
            )
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(ws.recv(timeout=timeout))
            messages.append(message)
            if message["type"] in ("complete", "error"):
                return messages
    raise AssertionError(f"la suscripción no terminó en {timeout} s: {messages}")


def test_subscription_streams_metrics_while_training(mutable_api, mutable_store):
    client = MlflowClient(mutable_store.tracking_uri)
    experiment_id = client.get_experiment_by_name("clase2-iris").experiment_id
    run_id = client.create_run(experiment_id, run_name="en-vivo").info.run_id
    values = [round(0.5 + 0.04 * step, 2) for step in range(10)]

    def train():
        time.sleep(0.3)
        for step, value in enumerate(values):
            client.log_metric(run_id, "val_accuracy", value, step=step)
            time.sleep(0.05)
        client.set_terminated(run_id, "FINISHED")

    trainer = threading.Thread(target=train)
    trainer.start()
    try:
        messages = subscribe(mutable_api, FEED, {"id": run_id, "key": "val_accuracy"})
    finally:
        trainer.join(30)
    assert messages[-1] == {"id": "1", "type": "complete"}
    points = [m["payload"]["data"]["metricUpdates"] for m in messages[:-1]]
    assert [p["step"] for p in points] == list(range(10))
    assert [p["value"] for p in points] == values
    assert all("errors" not in m["payload"] for m in messages[:-1])


def test_subscription_to_finished_run_replays_history_and_completes(api_url):
    run_id = run_ids(api_url)["iris-gboost-lr0.1"]
    messages = subscribe(api_url, FEED, {"id": run_id, "key": "val_accuracy"})
    assert len(messages) == 21 and messages[-1]["type"] == "complete"


def test_subscription_to_missing_run_reports_not_found(api_url):
    messages = subscribe(api_url, FEED, {"id": VALID_MISSING_RUN, "key": "val_accuracy"})
    [error] = messages[0]["payload"]["errors"]
    assert "No existe el run" in error["message"] and error["extensions"]["code"] == "NOT_FOUND"
    assert messages[-1]["type"] == "complete"


def test_invalid_subscription_document_gets_protocol_error(api_url):
    messages = subscribe(api_url, "subscription { metricUpdates { nope } }", {})
    assert messages[-1]["type"] == "error"
    assert any(
        "nope" in e["message"] or "argument" in e["message"] for e in messages[-1]["payload"]
    )
