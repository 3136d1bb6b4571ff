"""Los dos `JobStore` (memoria y Redis) cumplen el mismo contrato; solo Redis se comparte.

Redis: un `redis-server` propio en un puerto libre (no el del stack), así estas pruebas no
dependen de `make stack-up` ni de lo que otros hayan dejado en el Redis compartido.
"""

from __future__ import annotations

import shutil
import time
import uuid

import numpy as np
import pytest
import redis
from clase1_helpers import contract_checked_client
from iris_api.app import create_app
from iris_api.jobs import JobStatus
from iris_api.jobs_memory import MemoryJobStore
from iris_api.jobs_redis import RedisJobStore
from iris_api.problems import ProblemError
from iris_api.settings import Settings

from coursekit import BackgroundProcess, UvicornThread, free_port

SETOSA = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}


def fake_predict(rows: np.ndarray) -> list[str]:
    return ["setosa" if r[2] < 2.5 else "virginica" for r in rows]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if shutil.which("redis-server") is None:
        pytest.skip("falta redis-server (apt-get install redis-server)")
    port = free_port()
    server = BackgroundProcess(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        log_path=tmp_path_factory.mktemp("redis") / "redis.log",
        name="redis-server (pruebas)",
    )
    with server.start(ready_port=("127.0.0.1", port), timeout=30):
        yield f"redis://127.0.0.1:{port}/0"


@pytest.fixture(params=["memory", "redis"])
def make_store(request):
    """Fábrica de almacenes del tipo pedido; los de Redis comparten servidor y prefijo."""
    prefix, made = f"t{uuid.uuid4().hex[:8]}:", []

    def make(predict=fake_predict):
        if request.param == "memory":
            store = MemoryJobStore(predict)
        else:
            store = RedisJobStore(request.getfixturevalue("redis_url"), predict, prefix=prefix)
        made.append(store)
        return store

    make.kind = request.param
    yield make
    for store in made:
        store.shutdown()


def wait_done(store, job_id: str, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while (job := store.get(job_id)).status in (JobStatus.pending, JobStatus.running):
        assert time.monotonic() < deadline, "el trabajo no terminó a tiempo"
        time.sleep(0.01)
    return job


ROWS = np.array([[5.1, 3.5, 1.4, 0.2], [6.3, 2.8, 5.1, 1.5]] * 3)


def test_submit_run_and_page_results(make_store):
    store = make_store()
    job, created = store.submit(ROWS, None)
    assert created and job.n_rows == 6 and job.status is JobStatus.pending
    assert wait_done(store, job.job_id).status is JobStatus.succeeded
    assert store.results(job.job_id, 0, 6) == ["setosa", "virginica"] * 3
    assert store.results(job.job_id, 4, 6) == ["setosa", "virginica"]
    assert store.get("no-existe") is None


def test_idempotency_key_returns_the_same_job(make_store):
    store = make_store()
    first, created = store.submit(ROWS, "clave-1")
    again, created_again = store.submit(ROWS, "clave-1")
    other, _ = store.submit(ROWS, "clave-2")
    assert created and not created_again
    assert again.job_id == first.job_id != other.job_id


def test_failures_are_recorded(make_store):
    def broken(rows):
        raise RuntimeError("modelo roto")

    store = make_store(broken)
    job, _ = store.submit(ROWS, None)
    done = wait_done(store, job.job_id)
    assert done.status is JobStatus.failed and done.error == "RuntimeError: modelo roto"


def test_only_redis_is_shared_between_processes(make_store):
    """Dos almacenes = dos procesos (o réplicas): solo con Redis ven los mismos trabajos."""
    replica_a, replica_b = make_store(), make_store()
    job, _ = replica_a.submit(ROWS, "compartida")
    wait_done(replica_a, job.job_id)
    seen_by_b = replica_b.get(job.job_id)
    retried_on_b, created_on_b = replica_b.submit(ROWS, "compartida")
    if make_store.kind == "memory":
        assert seen_by_b is None and created_on_b  # el otro proceso no lo conoce: duplicado
    else:
        assert seen_by_b.status is JobStatus.succeeded
        assert replica_b.results(job.job_id, 0, 2) == ["setosa", "virginica"]
        assert (retried_on_b.job_id, created_on_b) == (job.job_id, False)


def test_redis_keys_expire(redis_url):
    store = RedisJobStore(redis_url, fake_predict, prefix="ttl:", ttl=100)
    try:
        job, _ = store.submit(ROWS, "clave-ttl")
        wait_done(store, job.job_id)
        client = redis.Redis.from_url(redis_url)
        job_key = f"ttl:job:{job.job_id}"
        keys = [job_key, f"{job_key}:result", "ttl:idempotency:clave-ttl"]
        ttls = [client.ttl(key) for key in keys]
        assert all(0 < ttl <= 160 for ttl in ttls), ttls
        assert ttls[2] <= ttls[0]  # la clave de idempotencia nunca sobrevive a su trabajo
    finally:
        store.shutdown()


def test_redis_down_is_a_503_problem():
    store = RedisJobStore(f"redis://127.0.0.1:{free_port()}/0", fake_predict)
    try:
        with pytest.raises(ProblemError) as raised:
            store.submit(ROWS, None)
        assert raised.value.status == 503 and "Redis" in raised.value.detail
    finally:
        store.shutdown()


def test_two_replicas_of_the_api_share_jobs_through_redis(model_path, redis_url):
    """La API completa: el trabajo creado en la réplica A se consulta en la B."""
    settings = Settings(
        model_path=model_path, job_store="redis", redis_url=redis_url, jobs_prefix="api:"
    )
    app_a, app_b = create_app(settings), create_app(settings)
    with UvicornThread(app_a) as a, UvicornThread(app_b) as b:
        with contract_checked_client(app_a, a.url) as http_a:
            job = http_a.post("/v1/jobs", json={"rows": [SETOSA] * 3}).json()
        with contract_checked_client(app_b, b.url) as http_b:
            deadline = time.monotonic() + 30
            while http_b.get(job["status_url"]).json()["status"] != "succeeded":
                assert time.monotonic() < deadline
                time.sleep(0.05)
            page = http_b.get(job["result_url"]).json()
    assert page["items"] == ["setosa"] * 3 and page["total"] == 3


def test_jobs_answer_503_when_redis_is_down(model_path):
    settings = Settings(
        model_path=model_path, job_store="redis", redis_url=f"redis://127.0.0.1:{free_port()}/0"
    )
    app = create_app(settings)
    with UvicornThread(app) as server, contract_checked_client(app, server.url) as http:
        created = http.post("/v1/jobs", json={"rows": [SETOSA]})
        status = http.get("/v1/jobs/abc")
        prediction = http.post("/v2/predict", json=SETOSA)
    assert created.status_code == status.status_code == 503
    assert created.json()["title"] == "Almacén de trabajos no disponible"
    assert prediction.status_code == 200  # predecir no depende de Redis
