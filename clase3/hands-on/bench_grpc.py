"""Benchmark del servidor gRPC de inferencia contra el mismo modelo llamado en proceso.

Mide, en la misma corrida y con el modelo de iris de la Clase 1:
- en línea: latencia p50 de Predict (unario, secuencial) vs. predict_proba de una fila;
- lote: filas/s de PredictBatch con 10 000 filas (arreglo plano de floats) vs.
  model.predict_proba en proceso (objetivo: cociente ≥ 0,5);
- tamaño: bytes de un lote de 100 filas en protobuf vs. el JSON de /v2/predict/batch
  (pedido y respuesta).
El servidor corre como un proceso aparte (`python grpc_inference_server.py`) en 127.0.0.1.

    python bench_grpc.py --output resultado.json
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
from pathlib import Path

import grpc
import grpc_inference_client as client_lib
import numpy as np
import sklearn
from grpc_inference_server import load_bundle, pb2
from sklearn.datasets import load_iris

from coursekit import BackgroundProcess, free_port

BATCH_ROWS = 10_000
PAYLOAD_ROWS = 100
ONLINE_REQUESTS = 300
REPEATS = 7
WARMUP = 3


def make_matrix(n: int, seed: int = 0) -> np.ndarray:
    iris = load_iris()
    rng = np.random.default_rng(seed)
    return iris.data[rng.integers(0, len(iris.data), size=n)]


def median_seconds(fn, repeats: int = REPEATS, warmup: int = WARMUP) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def payload_sizes(bundle: dict, rows: np.ndarray) -> dict:
    """Bytes en el cable del cuerpo de un lote: protobuf vs. JSON compacto de la Clase 1."""
    proba = bundle["model"].predict_proba(rows)
    index = proba.argmax(axis=1)
    pb_request = pb2.BatchRequest(features=rows.ravel(), num_features=rows.shape[1])
    pb_response = pb2.BatchResponse(
        class_index=index, probabilities=proba.ravel(), num_classes=3, model_version="1.0.0"
    )
    compact = {"separators": (",", ":"), "ensure_ascii": False}
    json_request = json.dumps({"unit": "cm", "instances": rows.tolist()}, **compact)
    json_response = json.dumps(
        {
            "model_version": "1.0.0",
            "classes": bundle["classes"],
            "species": [bundle["classes"][i] for i in index],
            "probabilities": proba.round(4).tolist(),
        },
        **compact,
    )
    return {
        "rows": len(rows),
        "protobuf_request_bytes": pb_request.ByteSize(),
        "json_request_bytes": len(json_request.encode()),
        "protobuf_response_bytes": pb_response.ByteSize(),
        "json_response_bytes": len(json_response.encode()),
    }


def run(output: Path) -> dict:
    bundle = load_bundle()  # iris_train.train() de la Clase 1: mismo modelo, misma semilla
    model = bundle["model"]
    matrix = make_matrix(BATCH_ROWS)
    one_row = matrix[:1]

    inproc_batch_s = median_seconds(lambda: model.predict_proba(matrix))
    inproc_single = [
        median_seconds(lambda: model.predict_proba(one_row), repeats=1, warmup=0)
        for _ in range(200)
    ]

    with tempfile.TemporaryDirectory() as tmp:
        import joblib

        model_path = Path(tmp) / "model.joblib"
        joblib.dump(bundle, model_path)
        port = free_port()
        server = BackgroundProcess(
            [sys.executable, "grpc_inference_server.py", "--port", str(port)]
            + ["--model", str(model_path)],
            log_path=Path(tmp) / "grpc.log",
            cwd=Path(__file__).parent,
            name="servidor gRPC (bench)",
        )
        with server.start(ready_port=("127.0.0.1", port), timeout=120):
            channel = client_lib.make_channel(f"127.0.0.1:{port}")
            stub = client_lib.pb2_grpc.InferenceServiceStub(channel)
            grpc.channel_ready_future(channel).result(timeout=30)
            request = pb2.BatchRequest(features=matrix.ravel(), num_features=4)

            def batch_call():
                response = stub.PredictBatch(request, timeout=60)
                assert len(response.class_index) == BATCH_ROWS

            grpc_batch_s = median_seconds(batch_call)

            single = pb2.PredictRequest(features=one_row[0].tolist())
            for _ in range(50):
                stub.Predict(single, timeout=10)
            latencies = []
            for _ in range(ONLINE_REQUESTS):
                start = time.perf_counter()
                stub.Predict(single, timeout=10)
                latencies.append(time.perf_counter() - start)
            channel.close()

    inproc_rows_s = BATCH_ROWS / inproc_batch_s
    grpc_rows_s = BATCH_ROWS / grpc_batch_s
    grpc_p50 = statistics.median(latencies)
    inproc_p50 = statistics.median(inproc_single)
    sizes = payload_sizes(bundle, make_matrix(PAYLOAD_ROWS, seed=1))
    result = {
        "benchmark": "clase3_grpc",
        "model": {
            "type": type(model).__name__,
            "n_estimators": model.n_estimators,
            "n_jobs": model.n_jobs,
            "inprocess_predict_proba_10000_rows_s": round(inproc_batch_s, 5),
            "inprocess_predict_proba_1_row_p50_s": round(inproc_p50, 6),
        },
        "online": {
            "requests": ONLINE_REQUESTS,
            "rpc": "InferenceService/Predict (unario)",
            "grpc_p50_ms": round(grpc_p50 * 1000, 3),
            "grpc_p95_ms": round(float(np.percentile(latencies, 95)) * 1000, 3),
            "inprocess_p50_ms": round(inproc_p50 * 1000, 3),
            "grpc_overhead_p50_ms": round((grpc_p50 - inproc_p50) * 1000, 3),
            "ratio_inprocess_to_grpc_p50": round(inproc_p50 / grpc_p50, 3),
        },
        "batch": {
            "rows": BATCH_ROWS,
            "rpc": "InferenceService/PredictBatch (floats packed)",
            "grpc_s": round(grpc_batch_s, 5),
            "grpc_rows_per_s": round(grpc_rows_s),
            "inprocess_rows_per_s": round(inproc_rows_s),
            "ratio_grpc_to_inprocess": round(grpc_rows_s / inproc_rows_s, 3),
            "target_ratio": 0.5,
        },
        "payload": {
            **sizes,
            "ratio_protobuf_to_json_request": round(
                sizes["protobuf_request_bytes"] / sizes["json_request_bytes"], 3
            ),
            "ratio_protobuf_to_json_response": round(
                sizes["protobuf_response_bytes"] / sizes["json_response_bytes"], 3
            ),
        },
        "method": f"mediana de {REPEATS} repeticiones tras {WARMUP} de calentamiento; "
        "servidor gRPC en un proceso aparte en 127.0.0.1; mensaje de pedido pre-armado",
        "machine": {
            "python": platform.python_version(),
            "grpcio": grpc.__version__,
            "scikit_learn": sklearn.__version__,
            "cpus": os.cpu_count(),
        },
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("bench_grpc.json"))
    args = parser.parse_args()
    result = run(args.output)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
