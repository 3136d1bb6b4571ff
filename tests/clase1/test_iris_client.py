"""Pruebas del cliente: reintentos solo ante 5xx/conexión, nunca ante 4xx; lotes en trozos."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Response
from iris_client import IrisAPIError, IrisClient

from coursekit import UvicornThread, free_port

SETOSA = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}


def flaky_app(failures: int, status: int) -> tuple[FastAPI, list[int]]:
    calls: list[int] = []
    app = FastAPI()

    @app.post("/v2/predict")
    def predict(row: dict):
        calls.append(1)
        if len(calls) <= failures:
            return Response(status_code=status)
        return {"species": "setosa", "probabilities": {"setosa": 1.0}, "model_version": "x"}

    return app, calls


def test_retries_5xx_then_succeeds():
    app, calls = flaky_app(failures=2, status=503)
    retries = []
    with UvicornThread(app) as server:
        client = IrisClient(server.url, backoff=0.01, on_retry=lambda *a: retries.append(a))
        assert client.predict(SETOSA).species == "setosa"
    assert len(calls) == 3 and [r[1] for r in retries] == ["HTTP 503", "HTTP 503"]


def test_never_retries_4xx(api_url):
    retries = []
    client = IrisClient(api_url, backoff=0.01, on_retry=lambda *a: retries.append(a))
    with pytest.raises(IrisAPIError) as info:
        client.predict({**SETOSA, "sepal_width": -1})
    assert info.value.status == 422 and retries == []
    assert "sepal_width: debe ser mayor que 0" in str(info.value)


def test_gives_up_after_max_attempts_on_connection_error():
    client = IrisClient(f"http://127.0.0.1:{free_port()}", max_attempts=3, backoff=0.01)
    with pytest.raises(IrisAPIError, match=r"falló tras 3 intentos \(ConnectError\)"):
        client.predict(SETOSA)


def test_batch_is_chunked(api_url):
    rows = [SETOSA] * 25
    with IrisClient(api_url, chunk_size=10) as client:
        predictions = client.predict_batch(rows)
    assert len(predictions) == 25 and {p.species for p in predictions} == {"setosa"}
