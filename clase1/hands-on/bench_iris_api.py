"""Benchmark de la API de iris contra el mismo modelo llamado en proceso.

Mide, en la misma corrida y con el mismo modelo que sirven los notebooks:
- lote: filas/s de POST /v2/predict/batch (10 000 filas) vs. model.predict_proba en proceso
  (la misma llamada que hace el endpoint);
- en línea: latencia p50 de 1000 POST /v2/predict secuenciales vs. predict_proba de una fila.
La API corre como un proceso uvicorn aparte (como en producción) en 127.0.0.1:
`uvicorn --factory iris_api.app:create_app` con `MODEL_PATH` apuntando al modelo.

    python bench_iris_api.py --output resultado.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import iris_train
import numpy as np
import sklearn
from sklearn.datasets import load_iris

from coursekit import BackgroundProcess, free_port

BATCH_ROWS = 10_000
ONLINE_REQUESTS = 1000
ONLINE_WARMUP = 50
REPEATS = 7
WARMUP = 3
JSON_HEADERS = {"Content-Type": "application/json"}


def make_rows(n: int, seed: int = 0) -> list[dict]:
    iris = load_iris()
    rng = np.random.default_rng(seed)
    data = iris.data[rng.integers(0, len(iris.data), size=n)]
    return [dict(zip(iris_train.FEATURES, row, strict=True)) for row in data.tolist()]


def median_seconds(fn, repeats: int = REPEATS, warmup: int = WARMUP) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure_in_process(model, matrix: np.ndarray) -> tuple[float, float]:
    """Línea de base honesta: el mismo modelo, las mismas filas, en este proceso.
    Devuelve (segundos del lote, p50 en segundos de una fila)."""
    batch_s = median_seconds(lambda: model.predict_proba(matrix))
    one_row = matrix[:1]
    single = [
        median_seconds(lambda: model.predict_proba(one_row), repeats=1, warmup=0)
        for _ in range(200)
    ]
    return batch_s, statistics.median(single)


@contextmanager
def api_process(model_path: Path, workdir: Path) -> Iterator[httpx.Client]:
    """La API en un proceso uvicorn aparte; un cliente HTTP hacia ella."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "iris_api.app:create_app"]
    server = BackgroundProcess(
        [*command, "--port", str(port), "--log-level", "warning"],
        log_path=workdir / "uvicorn.log",
        cwd=Path(__file__).parent,
        env={"MODEL_PATH": str(model_path)},
        name="uvicorn (bench)",
    )
    with server.start(ready_url=f"http://127.0.0.1:{port}/ready", timeout=60):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            yield http


def measure_http_batch(http: httpx.Client, matrix: np.ndarray) -> float:
    """Mediana en segundos de un POST /v2/predict/batch con todas las filas."""
    body = json.dumps({"unit": "cm", "instances": matrix.tolist()}).encode()

    def batch_call():
        response = http.post("/v2/predict/batch", content=body, headers=JSON_HEADERS)
        response.raise_for_status()
        assert len(response.json()["species"]) == BATCH_ROWS

    return median_seconds(batch_call)


def measure_http_online(http: httpx.Client, row: dict) -> list[float]:
    """Latencias en segundos de POST /v2/predict secuenciales, tras calentar."""
    single = json.dumps(row).encode()
    for _ in range(ONLINE_WARMUP):
        http.post("/v2/predict", content=single, headers=JSON_HEADERS)
    latencies = []
    for _ in range(ONLINE_REQUESTS):
        start = time.perf_counter()
        http.post("/v2/predict", content=single, headers=JSON_HEADERS).raise_for_status()
        latencies.append(time.perf_counter() - start)
    return latencies


def report(model, inproc: tuple[float, float], http_batch_s: float, latencies: list[float]):
    """El JSON del benchmark (mismas claves que las corridas anteriores)."""
    inproc_batch_s, inproc_p50 = inproc
    inproc_rows_s = BATCH_ROWS / inproc_batch_s
    http_rows_s = BATCH_ROWS / http_batch_s
    http_p50 = statistics.median(latencies)
    return {
        "benchmark": "clase1_iris_api",
        "model": {
            "type": type(model).__name__,
            "n_estimators": model.n_estimators,
            "n_jobs": model.n_jobs,
            "inprocess_predict_proba_10000_rows_s": round(inproc_batch_s, 5),
            "inprocess_predict_proba_1_row_p50_s": round(inproc_p50, 6),
        },
        "batch": {
            "rows": BATCH_ROWS,
            "endpoint": "POST /v2/predict/batch",
            "http_s": round(http_batch_s, 5),
            "http_rows_per_s": round(http_rows_s),
            "inprocess_rows_per_s": round(inproc_rows_s),
            "ratio_http_to_inprocess": round(http_rows_s / inproc_rows_s, 3),
            "target_ratio": 0.5,
        },
        "online": {
            "requests": ONLINE_REQUESTS,
            "endpoint": "POST /v2/predict",
            "http_p50_ms": round(http_p50 * 1000, 3),
            "http_p95_ms": round(float(np.percentile(latencies, 95)) * 1000, 3),
            "inprocess_p50_ms": round(inproc_p50 * 1000, 3),
            "ratio_inprocess_to_http_p50": round(inproc_p50 / http_p50, 3),
        },
        "method": f"mediana de {REPEATS} repeticiones tras {WARMUP} de calentamiento; "
        "API en un proceso uvicorn aparte en 127.0.0.1; cuerpo JSON pre-serializado",
        "machine": {
            "python": platform.python_version(),
            "scikit_learn": sklearn.__version__,
            "cpus": os.cpu_count(),
        },
    }


def run(output: Path) -> dict:
    bundle = iris_train.train()
    rows = make_rows(BATCH_ROWS)
    matrix = np.array([[r[f] for f in iris_train.FEATURES] for r in rows])
    inproc = measure_in_process(bundle["model"], matrix)
    with tempfile.TemporaryDirectory() as tmp:
        model_path = iris_train.save(bundle, Path(tmp) / "model.joblib")
        with api_process(model_path, Path(tmp)) as http:
            http_batch_s = measure_http_batch(http, matrix)
            latencies = measure_http_online(http, rows[0])
    result = report(bundle["model"], inproc, http_batch_s, latencies)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("bench_iris_api.json"))
    args = parser.parse_args()
    result = run(args.output)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
