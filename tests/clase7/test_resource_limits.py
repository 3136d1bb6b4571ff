"""Aislamiento de recursos de la Clase 7: el tope de tamaño del pedido (413 antes de leer el
cuerpo y antes del modelo, declarado en OpenAPI) y la inferencia en un proceso hijo con límites de
memoria, CPU y tiempo que se corta limpio cuando los supera."""

from __future__ import annotations

import pickle
import time

import httpx
import psutil
import pytest
import secure_model
from openapi_contract import assert_declared
from secure_api.isolation import IsolationError, Limits, child_environment, run_isolated
from secure_api.settings import Settings
from secure_api.tokens import create_access_token

API_KEY = {"X-API-Key": "dev-api-key-lote-nocturno-0001"}
MAX_BODY = 20_000  # bytes: un lote de ~40 filas


def test_max_body_bytes_is_configurable_and_checked():
    assert Settings.from_env({"SECURE_API_MAX_BODY_BYTES": "1000"}).max_body_bytes == 1000
    with pytest.raises(ValueError, match="SECURE_API_MAX_BODY_BYTES"):
        Settings.from_env({"SECURE_API_MAX_BODY_BYTES": "0"})


def test_declared_oversized_body_is_413_before_reading_it(fresh_server, spec, pixels):
    url = fresh_server(max_body_bytes=MAX_BODY)
    response = httpx.post(
        url + "/v1/predict/batch", json={"instances": [pixels] * 500}, headers=API_KEY
    )
    assert response.status_code == 413
    assert_declared(spec, response)
    assert response.json()["code"] == "body_too_large"
    assert str(MAX_BODY) in response.json()["detail"]


def test_chunked_oversized_body_is_413(fresh_server, spec, pixels):
    url = fresh_server(max_body_bytes=MAX_BODY)
    row = (str(pixels) + ",").encode()

    def chunks():  # sin Content-Length: Transfer-Encoding chunked
        yield b'{"instances": ['
        for _ in range(500):
            yield row
        yield b"[]]}"

    response = httpx.post(url + "/v1/predict/batch", content=chunks(), headers=API_KEY)
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert_declared(spec, response)
    assert response.json()["code"] == "body_too_large"


def test_body_under_the_limit_reaches_the_model(fresh_server, spec, pixels):
    url = fresh_server(max_body_bytes=MAX_BODY)
    batch = {"instances": [pixels] * 10}
    assert len(httpx.Request("POST", url, json=batch).content) < MAX_BODY
    response = httpx.post(url + "/v1/predict/batch", json=batch, headers=API_KEY)
    assert response.status_code == 200
    assert_declared(spec, response)
    body = httpx.Request("POST", url, json=batch).content
    chunked = httpx.post(
        url + "/v1/predict/batch",
        content=iter([body]),
        headers=API_KEY | {"content-type": "application/json"},
    )
    assert chunked.status_code == 200 and len(chunked.json()["labels"]) == 10


def test_rejected_body_is_audited_without_touching_the_model(fresh_server, settings, pixels):
    url = fresh_server(max_body_bytes=MAX_BODY)
    httpx.post(url + "/v1/predict/batch", json={"instances": [pixels] * 500}, headers=API_KEY)
    token = create_access_token("auditora", {"admin"}, settings.jwt_secret)
    records = httpx.get(url + "/admin/audit", headers={"Authorization": f"Bearer {token}"}).json()[
        "records"
    ]
    [rejected] = [r for r in records if r["status"] == 413]
    assert rejected["outcome"] == "body_too_large"
    assert rejected["n_rows"] is None  # la entrada nunca llegó a decodificarse
    assert rejected["client"] is None  # ni siquiera se autenticó: se cortó antes


class MemoryBomb:
    def __reduce__(self):
        return (bytearray, (2**31,))


class Spinner:
    def __reduce__(self):
        return (exec, ("while True: pass",))


class Sleeper:
    def __reduce__(self):
        return (time.sleep, (600,))


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory, model_path):
    folder = tmp_path_factory.mktemp("aislamiento")
    bundle = secure_model.train()
    paths = {"legit": model_path}
    for name, payload in {"memory": MemoryBomb(), "cpu": Spinner(), "time": Sleeper()}.items():
        paths[name] = folder / f"{name}.joblib"
        paths[name].write_bytes(pickle.dumps({"model": bundle["model"], "config": payload}))
    return paths


def test_isolated_prediction_matches_in_process(artifacts):
    _, x_test, _, _ = secure_model.load_data()
    answer = run_isolated(artifacts["legit"], x_test[:20].tolist())
    expected = secure_model.train(version="test-1")["model"].predict(x_test[:20])
    assert answer["labels"] == expected.tolist()
    assert len(answer["probabilities"]) == 20


@pytest.mark.parametrize(
    ("artifact", "limits", "reason"),
    [
        ("memory", Limits(memory_mb=128), "memoria"),
        ("cpu", Limits(cpu_s=1), "cpu"),
        ("time", Limits(timeout_s=8), "tiempo"),
    ],
)
def test_limits_stop_the_child_cleanly(artifacts, pixels, limits, reason, artifact):
    started = time.monotonic()
    with pytest.raises(IsolationError) as error:
        run_isolated(artifacts[artifact], [pixels], limits)
    assert error.value.reason == reason
    assert time.monotonic() - started < limits.timeout_s + 5
    assert psutil.Process().children(recursive=True) == []  # no queda ningún hijo


def test_child_does_not_inherit_secrets(monkeypatch):
    monkeypatch.setenv("SECURE_API_JWT_SECRET", "un-secreto-que-el-hijo-no-debe-ver-0123456789")
    assert "SECURE_API_JWT_SECRET" not in child_environment()
