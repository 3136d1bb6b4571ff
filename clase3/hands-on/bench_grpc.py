"""Benchmark del servidor gRPC de inferencia contra el mismo modelo llamado en proceso.

Mide, en la misma corrida y con el modelo de iris de `iris_model.py`:
- en línea: latencia p50 de Predict (unario, secuencial) vs. predict_proba de una fila;
- lote: filas/s de PredictBatch con 10 000 filas (arreglo plano de floats) vs.
  model.predict_proba en proceso (objetivo: cociente ≥ 0,5);
- tamaño: bytes de un lote de 100 filas en protobuf vs. el JSON de `/predict/batch` de
  `rest_iris` (pedido y respuesta).
El servidor corre como un proceso aparte (`python -m grpc_inference`) en 127.0.0.1: el
generador de carga nunca comparte el intérprete con el servidor que mide.

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc
import inference_codegen
import iris_model
import numpy as np
import sklearn
from sklearn.datasets import load_iris

from coursekit import BackgroundProcess, free_port

HERE = Path(__file__).resolve().parent
BATCH_ROWS = 10_000
PAYLOAD_ROWS = 100
ONLINE_REQUESTS = 300
ONLINE_WARMUP = 50
REPEATS = 7
WARMUP = 3


def make_matrix(n: int, seed: int = 0) -> np.ndarray:
    """`n` flores de iris elegidas al azar (con semilla): datos reales, sin descargar nada."""
    iris = load_iris()
    rng = np.random.default_rng(seed)
    return iris.data[rng.integers(0, len(iris.data), size=n)]


def median_seconds(fn: Callable[[], object], repeats: int = REPEATS, warmup: int = WARMUP) -> float:
    """Mediana de `repeats` llamadas a `fn`, tras `warmup` llamadas que no se miden."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def payload_sizes(bundle: dict, rows: np.ndarray) -> dict:
    """Bytes en el cable del cuerpo de un lote: protobuf vs. el JSON compacto de `rest_iris`."""
    import inference_pb2 as pb2  # generado por inference_codegen.ensure() en main()

    proba = bundle["model"].predict_proba(rows)
    index = proba.argmax(axis=1)
    pb_request = pb2.BatchRequest(features=rows.ravel(), num_features=rows.shape[1])
    pb_response = pb2.BatchResponse(
        class_index=index, probabilities=proba.ravel(), num_classes=3, model_version="1.0.0"
    )
    compact = {"separators": (",", ":"), "ensure_ascii": False}
    json_request = json.dumps({"instances": rows.tolist()}, **compact)
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


def measure_inprocess(model, matrix: np.ndarray) -> dict[str, float]:
    """La línea de base: el modelo en este proceso, sin ningún protocolo."""
    one_row = matrix[:1]
    single = [
        median_seconds(lambda: model.predict_proba(one_row), repeats=1, warmup=0)
        for _ in range(200)
    ]
    return {
        "batch_s": median_seconds(lambda: model.predict_proba(matrix)),
        "single_p50_s": statistics.median(single),
    }


@contextmanager
def grpc_server(model_path: Path, log_dir: Path) -> Iterator[str]:
    """El servidor como proceso aparte, con su comando de producción; entrega su dirección."""
    port = free_port()
    server = BackgroundProcess(
        [sys.executable, "-m", "grpc_inference", "--port", str(port), "--model", str(model_path)],
        log_path=log_dir / "grpc.log",
        cwd=HERE,
        name="servidor gRPC (bench)",
    )
    with server.start(ready_port=("127.0.0.1", port), timeout=120):
        yield f"127.0.0.1:{port}"


def measure_grpc(target: str, matrix: np.ndarray) -> dict:
    """Mediana de PredictBatch con el lote completo y latencias de Predict de una fila."""
    import grpc_inference_client as client_lib  # usa el código generado (ver payload_sizes)

    pb2 = client_lib.pb2
    with client_lib.make_channel(target) as channel:
        stub = client_lib.pb2_grpc.InferenceServiceStub(channel)
        grpc.channel_ready_future(channel).result(timeout=30)
        request = pb2.BatchRequest(features=matrix.ravel(), num_features=matrix.shape[1])

        def batch_call() -> None:
            response = stub.PredictBatch(request, timeout=60)
            assert len(response.class_index) == len(matrix)

        batch_s = median_seconds(batch_call)
        single = pb2.PredictRequest(features=matrix[0].tolist())
        for _ in range(ONLINE_WARMUP):
            stub.Predict(single, timeout=10)
        latencies = []
        for _ in range(ONLINE_REQUESTS):
            start = time.perf_counter()
            stub.Predict(single, timeout=10)
            latencies.append(time.perf_counter() - start)
    return {"batch_s": batch_s, "latencies": latencies}


def online_section(inproc: dict, remote: dict) -> dict:
    grpc_p50 = statistics.median(remote["latencies"])
    inproc_p50 = inproc["single_p50_s"]
    return {
        "requests": ONLINE_REQUESTS,
        "rpc": "InferenceService/Predict (unario)",
        "grpc_p50_ms": round(grpc_p50 * 1000, 3),
        "grpc_p95_ms": round(float(np.percentile(remote["latencies"], 95)) * 1000, 3),
        "inprocess_p50_ms": round(inproc_p50 * 1000, 3),
        "grpc_overhead_p50_ms": round((grpc_p50 - inproc_p50) * 1000, 3),
        "ratio_inprocess_to_grpc_p50": round(inproc_p50 / grpc_p50, 3),
    }


def batch_section(inproc: dict, remote: dict) -> dict:
    inproc_rows_s = BATCH_ROWS / inproc["batch_s"]
    grpc_rows_s = BATCH_ROWS / remote["batch_s"]
    return {
        "rows": BATCH_ROWS,
        "rpc": "InferenceService/PredictBatch (floats packed)",
        "grpc_s": round(remote["batch_s"], 5),
        "grpc_rows_per_s": round(grpc_rows_s),
        "inprocess_rows_per_s": round(inproc_rows_s),
        "ratio_grpc_to_inprocess": round(grpc_rows_s / inproc_rows_s, 3),
        "target_ratio": 0.5,
    }


def payload_section(sizes: dict) -> dict:
    request_ratio = sizes["protobuf_request_bytes"] / sizes["json_request_bytes"]
    response_ratio = sizes["protobuf_response_bytes"] / sizes["json_response_bytes"]
    return {
        **sizes,
        "ratio_protobuf_to_json_request": round(request_ratio, 3),
        "ratio_protobuf_to_json_response": round(response_ratio, 3),
    }


def report(model, inproc: dict, remote: dict, sizes: dict) -> dict:
    """El JSON del benchmark: modelo, en línea, lote, tamaños, método y máquina."""
    return {
        "benchmark": "clase3_grpc",
        "model": {
            "type": type(model).__name__,
            "n_estimators": model.n_estimators,
            "n_jobs": model.n_jobs,
            "inprocess_predict_proba_10000_rows_s": round(inproc["batch_s"], 5),
            "inprocess_predict_proba_1_row_p50_s": round(inproc["single_p50_s"], 6),
        },
        "online": online_section(inproc, remote),
        "batch": batch_section(inproc, remote),
        "payload": payload_section(sizes),
        "method": f"mediana de {REPEATS} repeticiones tras {WARMUP} de calentamiento; "
        "servidor gRPC en un proceso aparte en 127.0.0.1; mensaje de pedido pre-armado",
        "machine": {
            "python": platform.python_version(),
            "grpcio": grpc.__version__,
            "scikit_learn": sklearn.__version__,
            "cpus": os.cpu_count(),
        },
    }


def run(output: Path) -> dict:
    """Entrena el modelo, mide en proceso y por gRPC, y escribe el JSON en `output`."""
    bundle = iris_model.train()  # mismo modelo, misma semilla que los notebooks
    matrix = make_matrix(BATCH_ROWS)
    inproc = measure_inprocess(bundle["model"], matrix)
    with tempfile.TemporaryDirectory() as tmp:
        model_path = iris_model.save(bundle, Path(tmp) / "model.joblib")
        with grpc_server(model_path, Path(tmp)) as target:
            remote = measure_grpc(target, matrix)
    sizes = payload_sizes(bundle, make_matrix(PAYLOAD_ROWS, seed=1))
    result = report(bundle["model"], inproc, remote, sizes)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("bench_grpc.json"))
    args = parser.parse_args()
    inference_codegen.ensure()  # el código de inference.proto, antes de importar el cliente
    result = run(args.output)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
