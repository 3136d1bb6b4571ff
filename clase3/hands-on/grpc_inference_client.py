"""Cliente Python del servicio gRPC de inferencia (Clase 3).

Un método por modelo de comunicación, todos con plazo (deadline), id de pedido en la
metadata (`x-request-id`) y reintentos declarados en la *service config* del canal: solo se
reintenta UNAVAILABLE, nunca INVALID_ARGUMENT ni DEADLINE_EXCEEDED. UNAVAILABLE no garantiza
que el servidor no haya ejecutado el pedido (gRFC A6); reintentarlo es seguro aquí porque todos
los métodos del servicio son idempotentes (predecir no cambia ningún estado).

Usa el código generado desde `inference.proto` (`python inference_codegen.py` lo genera en esta
carpeta). Fuera de Jupyter (con el servidor en marcha en el puerto 50051):
    python grpc_inference_client.py --target 127.0.0.1:50051 info
    python grpc_inference_client.py --target 127.0.0.1:50051 predict 5.1 3.5 1.4 0.2
    python grpc_inference_client.py --target 127.0.0.1:50051 stream --rows 5000 --chunk 1000
"""

from __future__ import annotations

import argparse
import json
import uuid
from collections.abc import Iterable, Iterator

import grpc
import inference_pb2 as pb2
import inference_pb2_grpc as pb2_grpc
import numpy as np
from grpc_health.v1 import health_pb2, health_pb2_grpc

SERVICE_NAME = pb2.DESCRIPTOR.services_by_name["InferenceService"].full_name
ERROR_METADATA_KEY = "inference-error-bin"

# Política de reintentos (gRFC A6): hasta 4 intentos con espera exponencial entre 0,1 y 1 s,
# solo ante UNAVAILABLE y solo porque los métodos son idempotentes (el servidor pudo haber
# ejecutado el intento fallido). Los reintentos ocurren dentro del mismo plazo total del RPC.
RETRY_SERVICE_CONFIG = {
    "methodConfig": [
        {
            "name": [{"service": SERVICE_NAME}],
            "retryPolicy": {
                "maxAttempts": 4,
                "initialBackoff": "0.1s",
                "maxBackoff": "1s",
                "backoffMultiplier": 2,
                "retryableStatusCodes": ["UNAVAILABLE"],
            },
        }
    ]
}


def make_channel(target: str, retries: bool = True) -> grpc.Channel:
    """Canal HTTP/2 sin TLS (red local) con la service config de reintentos."""
    options = [
        ("grpc.max_receive_message_length", 16 * 1024 * 1024),
        ("grpc.max_send_message_length", 16 * 1024 * 1024),
        ("grpc.enable_retries", 1 if retries else 0),
    ]
    if retries:
        options.append(("grpc.service_config", json.dumps(RETRY_SERVICE_CONFIG)))
    return grpc.insecure_channel(target, options=options)


def input_error(error: grpc.RpcError) -> pb2.InputError | None:
    """El detalle estructurado de un INVALID_ARGUMENT (metadata de cierre), si vino."""
    for key, value in error.trailing_metadata() or ():
        if key == ERROR_METADATA_KEY:
            return pb2.InputError.FromString(value)
    return None


def flatten(matrix) -> tuple[np.ndarray, int]:
    """Matriz (filas, columnas) → arreglo plano float32 y número de columnas."""
    matrix = np.asarray(matrix, dtype=np.float32)
    return matrix.ravel(), matrix.shape[1]


class InferenceClient:
    """Envoltorio fino del *stub* generado: cada llamada lleva plazo y x-request-id."""

    def __init__(self, target: str, timeout: float = 5.0, retries: bool = True):
        self.target = target
        self.timeout = timeout
        self.channel = make_channel(target, retries=retries)
        self.stub = pb2_grpc.InferenceServiceStub(self.channel)
        self.health_stub = health_pb2_grpc.HealthStub(self.channel)

    def _metadata(self, request_id: str | None) -> tuple[tuple[str, str], ...]:
        return (("x-request-id", request_id or uuid.uuid4().hex[:12]),)

    def wait_ready(self, timeout: float = 10.0) -> None:
        """Espera a que el canal conecte (o falla con un mensaje claro)."""
        try:
            grpc.channel_ready_future(self.channel).result(timeout=timeout)
        except grpc.FutureTimeoutError:
            raise TimeoutError(
                f"el servidor gRPC {self.target} no respondió en {timeout} s"
            ) from None

    def health(self, service: str = SERVICE_NAME) -> str:
        request = health_pb2.HealthCheckRequest(service=service)
        response = self.health_stub.Check(request, timeout=self.timeout)
        return health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)

    # --- unarios ---------------------------------------------------------------------
    def model_info(self) -> pb2.ModelInfo:
        return self.stub.GetModelInfo(pb2.ModelInfoRequest(), timeout=self.timeout)

    def predict(self, features, request_id: str | None = None, timeout: float | None = None):
        """Una fila → (PredictResponse, metadata de cierre como dict)."""
        response, call = self.stub.Predict.with_call(
            pb2.PredictRequest(features=list(features)),
            timeout=timeout or self.timeout,
            metadata=self._metadata(request_id),
        )
        return response, dict(call.trailing_metadata())

    def predict_batch(self, matrix, timeout: float | None = None):
        """Un lote en un solo mensaje → (índices de clase, probabilidades (filas, clases))."""
        flat, num_features = flatten(matrix)
        response = self.stub.PredictBatch(
            pb2.BatchRequest(features=flat, num_features=num_features),
            timeout=timeout or self.timeout,
            metadata=self._metadata(None),
        )
        return batch_arrays(response)

    # --- streaming de servidor ----------------------------------------------------------
    def predict_batch_stream(self, matrix, chunk_rows: int = 1000, timeout: float | None = None):
        """Devuelve la llamada (iterable de BatchResponse; se puede cancelar con .cancel())."""
        flat, num_features = flatten(matrix)
        return self.stub.PredictBatchStream(
            pb2.BatchRequest(features=flat, num_features=num_features, chunk_rows=chunk_rows),
            timeout=timeout or self.timeout,
            metadata=self._metadata(None),
        )

    # --- streaming de cliente ---------------------------------------------------------
    def summarize(self, rows: Iterable, timeout: float | None = None) -> pb2.PredictionSummary:
        requests = (pb2.PredictRequest(features=list(row)) for row in rows)
        return self.stub.SummarizePredictions(
            requests, timeout=timeout or self.timeout, metadata=self._metadata(None)
        )

    # --- bidireccional -----------------------------------------------------------------
    def predict_interactive(
        self, rows: Iterable, timeout: float | None = None
    ) -> Iterator[pb2.PredictResponse]:
        requests = (
            pb2.PredictRequest(features=list(row), request_id=f"fila-{i}")
            for i, row in enumerate(rows)
        )
        return self.stub.PredictInteractive(
            requests, timeout=timeout or self.timeout, metadata=self._metadata(None)
        )

    def close(self) -> None:
        self.channel.close()

    def __enter__(self) -> InferenceClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def batch_arrays(response: pb2.BatchResponse) -> tuple[np.ndarray, np.ndarray]:
    index = np.asarray(response.class_index, dtype=np.int64)
    proba = np.asarray(response.probabilities, dtype=np.float32).reshape(-1, response.num_classes)
    return index, proba


def main() -> None:
    parser = argparse.ArgumentParser(description="Cliente del servicio gRPC de inferencia.")
    parser.add_argument("--target", default="127.0.0.1:50051")
    parser.add_argument("--timeout", type=float, default=5.0)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info")
    sub.add_parser("health")
    predict = sub.add_parser("predict")
    predict.add_argument("features", type=float, nargs="+")
    stream = sub.add_parser("stream")
    stream.add_argument("--rows", type=int, default=5000)
    stream.add_argument("--chunk", type=int, default=1000)
    args = parser.parse_args()

    with InferenceClient(args.target, timeout=args.timeout) as client:
        try:
            if args.command == "info":
                print(client.model_info())
            elif args.command == "health":
                print(client.health())
            elif args.command == "predict":
                response, trailing = client.predict(args.features)
                print(response, trailing)
            else:
                rng = np.random.default_rng(0)
                matrix = rng.uniform(0.1, 7.0, size=(args.rows, 4))
                for chunk in client.predict_batch_stream(matrix, chunk_rows=args.chunk):
                    print(f"bloque desde la fila {chunk.first_row}: {len(chunk.class_index)} filas")
        except grpc.RpcError as error:
            detail = input_error(error)
            print(f"Error {error.code().name}: {error.details()}")
            if detail is not None:
                print(f"  campo={detail.field} fila={detail.row}")
            raise SystemExit(1) from None


if __name__ == "__main__":
    main()
