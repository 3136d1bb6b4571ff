"""Servidor gRPC de inferencia (Clase 3): el clasificador de iris de la Clase 1 detrás de
`inference.proto`, con los cuatro modelos de comunicación.

- Unario: GetModelInfo, Predict (una fila) y PredictBatch (un lote como arreglo plano).
- Streaming de servidor: PredictBatchStream devuelve un lote grande en bloques.
- Streaming de cliente: SummarizePredictions recibe filas de a una y responde un resumen.
- Bidireccional: PredictInteractive responde cada fila apenas llega.

Además: servicio de salud estándar (grpc.health.v1), reflexión del servidor, entradas
inválidas → INVALID_ARGUMENT con mensaje en español y detalle en la metadata
`inference-error-bin`, plazos (deadlines) y cancelaciones respetados, y apagado ordenado
(SIGTERM/SIGINT: la salud pasa a NOT_SERVING y los pedidos en curso terminan).

Fuera de Jupyter:
    python grpc_inference_server.py --port 50051
    python grpc_inference_server.py --port 50051 --model artifacts/iris_rf.joblib
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from collections import Counter
from concurrent import futures
from pathlib import Path

import grpc
import inference_codegen
import joblib
import numpy as np
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

pb2, pb2_grpc = inference_codegen.load()

HERE = Path(__file__).resolve().parent
CLASE1_HANDS_ON = HERE.parents[1] / "clase1" / "hands-on"
SERVICE_NAME = pb2.DESCRIPTOR.services_by_name["InferenceService"].full_name
ERROR_METADATA_KEY = "inference-error-bin"  # sufijo -bin: valor binario (un InputError)
MAX_BATCH_ROWS = 100_000
DEFAULT_CHUNK_ROWS = 1000
MAX_MESSAGE_BYTES = 16 * 1024 * 1024  # 100 000 filas × 4 floats ≈ 1,6 MB: sobra margen

logger = logging.getLogger("grpc_inference_server")


# --------------------------------------------------------------------------------------
# Modelo: el mismo "paquete" joblib de la Clase 1 (model, version, features, classes)
# --------------------------------------------------------------------------------------
def load_bundle(path: str | Path | None = None) -> dict:
    """Carga el modelo de `path`; sin ruta, entrena el de la Clase 1 (iris_train.train)."""
    if path is not None:
        return joblib.load(path)
    sys.path.insert(0, str(CLASE1_HANDS_ON))
    import iris_train  # el mismo entrenamiento determinista de la Clase 1

    return iris_train.train()


# --------------------------------------------------------------------------------------
# Validación de entradas: todo error es INVALID_ARGUMENT con un mensaje que lo explica
# --------------------------------------------------------------------------------------
class InvalidInput(ValueError):
    def __init__(self, reason: str, field: str = "features", row: int = -1):
        super().__init__(reason)
        self.reason, self.field, self.row = reason, field, row


def to_matrix(values, num_features: int, feature_names: list[str]) -> np.ndarray:
    """Arreglo plano (packed) → matriz (filas, columnas) validada: finita y positiva."""
    expected = len(feature_names)
    if num_features != expected:
        raise InvalidInput(
            f"num_features={num_features}, pero el modelo espera {expected} columnas "
            f"({', '.join(feature_names)})",
            field="num_features",
        )
    flat = np.asarray(values, dtype=np.float64)
    if flat.size == 0:
        raise InvalidInput("el lote está vacío: se necesita al menos una fila")
    if flat.size % expected:
        raise InvalidInput(
            f"{flat.size} valores no forman filas completas de {expected} columnas "
            f"(sobran {flat.size % expected})"
        )
    matrix = flat.reshape(-1, expected)
    if len(matrix) > MAX_BATCH_ROWS:
        raise InvalidInput(
            f"el lote tiene {len(matrix)} filas y el máximo es {MAX_BATCH_ROWS}: "
            "partirlo o usar un trabajo por lotes"
        )
    bad = ~np.isfinite(matrix) | (matrix <= 0)
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        value = float(matrix[row, col])
        what = "no es un número finito" if not np.isfinite(value) else "debe ser mayor que 0"
        n_bad = int(bad.any(axis=1).sum())
        raise InvalidInput(
            f"fila {row}, columna {feature_names[col]}: {value:g} {what}"
            + (f" ({n_bad} filas con problemas)" if n_bad > 1 else ""),
            field=f"features[{row * expected + col}]",
            row=row,
        )
    return matrix


def to_row(values, feature_names: list[str], row: int = -1) -> np.ndarray:
    """Una fila: exactamente una medida por columna del modelo."""
    if len(values) != len(feature_names):
        raise InvalidInput(
            f"se esperaban {len(feature_names)} valores ({', '.join(feature_names)}) "
            f"y llegaron {len(values)}",
            row=row,
        )
    try:
        return to_matrix(values, len(feature_names), feature_names)
    except InvalidInput as error:
        raise InvalidInput(error.reason.replace("fila 0, ", ""), error.field, row) from None


# --------------------------------------------------------------------------------------
# El servicio
# --------------------------------------------------------------------------------------
class InferenceServicer(pb2_grpc.InferenceServiceServicer):
    """Implementa los RPC de `inference.proto` sobre un modelo de scikit-learn.

    `simulated_latency_s` agrega una demora por predicción (para estudiar plazos y
    cancelaciones con un modelo que, si no, responde en milisegundos).
    """

    def __init__(self, bundle: dict, simulated_latency_s: float = 0.0):
        self.model = bundle["model"]
        self.version = str(bundle["version"])
        self.features = list(bundle["features"])
        self.classes = list(bundle["classes"])
        self.test_accuracy = float(bundle.get("test_accuracy", 0.0))
        self.simulated_latency_s = simulated_latency_s
        self.stats: Counter[str] = Counter()  # lo que el servidor hizo, para verlo y probarlo
        self._lock = threading.Lock()
        # Calentamiento: la primera predicción carga código perezoso de scikit-learn; mejor
        # pagarlo antes de declararse SERVING que en el primer pedido (y su plazo).
        self.model.predict_proba(np.ones((1, len(self.features))))

    # --- plomería común --------------------------------------------------------------
    def _count(self, key: str, n: int = 1) -> None:
        with self._lock:
            self.stats[key] += n

    def _start(self, rpc: str, context: grpc.ServicerContext) -> str:
        """Lee el id de pedido de la metadata y lo devuelve (junto a la versión) al final."""
        metadata = dict(context.invocation_metadata())
        request_id = metadata.get("x-request-id", "")
        attempt = int(metadata.get("grpc-previous-rpc-attempts", 0)) + 1
        self._count(f"{rpc}.calls")
        logger.info("%s request_id=%s intento=%d", rpc, request_id or "-", attempt)
        context.set_trailing_metadata(
            (("x-request-id", request_id), ("x-model-version", self.version))
        )
        return request_id

    def _abort_invalid(self, context: grpc.ServicerContext, error: InvalidInput, rpc: str):
        self._count(f"{rpc}.invalid")
        detail = pb2.InputError(field=error.field, row=error.row, reason=error.reason)
        metadata = dict(context.invocation_metadata())
        context.set_trailing_metadata(
            (
                ("x-request-id", metadata.get("x-request-id", "")),
                ("x-model-version", self.version),
                (ERROR_METADATA_KEY, detail.SerializeToString()),
            )
        )
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, error.reason)

    def _model_time(self, context: grpc.ServicerContext) -> bool:
        """Simula el costo del modelo; False si el cliente se fue (plazo vencido o cancelado)."""
        deadline = time.monotonic() + self.simulated_latency_s
        while time.monotonic() < deadline and context.is_active():
            time.sleep(min(0.005, max(0.0, deadline - time.monotonic())))
        return context.is_active()

    def _predict(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        proba = self.model.predict_proba(matrix)
        return proba.argmax(axis=1), proba

    def _one(self, row: np.ndarray, request_id: str) -> pb2.PredictResponse:
        index, proba = self._predict(row)
        return pb2.PredictResponse(
            label=self.classes[int(index[0])],
            class_index=int(index[0]),
            probabilities=proba[0].tolist(),
            model_version=self.version,
            request_id=request_id,
        )

    def _batch(self, matrix: np.ndarray, first_row: int = 0) -> pb2.BatchResponse:
        index, proba = self._predict(matrix)
        return pb2.BatchResponse(
            class_index=index,
            probabilities=proba.ravel(),
            num_classes=proba.shape[1],
            first_row=first_row,
            model_version=self.version,
        )

    # --- unarios ---------------------------------------------------------------------
    def GetModelInfo(self, request, context):
        self._start("GetModelInfo", context)
        return pb2.ModelInfo(
            name="iris-random-forest",
            version=self.version,
            feature_names=self.features,
            class_names=self.classes,
            test_accuracy=self.test_accuracy,
        )

    def Predict(self, request, context):
        request_id = self._start("Predict", context)
        request_id = request.request_id or request_id  # el campo del mensaje o la metadata
        try:
            row = to_row(request.features, self.features)
        except InvalidInput as error:
            self._abort_invalid(context, error, "Predict")
        if not self._model_time(context):  # el cliente ya no espera: no gastar el modelo
            self._count("Predict.abandoned")
            logger.info("Predict request_id=%s abandonado por el cliente", request_id or "-")
            return pb2.PredictResponse()
        return self._one(row, request_id)

    def PredictBatch(self, request, context):
        self._start("PredictBatch", context)
        try:
            matrix = to_matrix(request.features, request.num_features, self.features)
        except InvalidInput as error:
            self._abort_invalid(context, error, "PredictBatch")
        if not self._model_time(context):
            self._count("PredictBatch.abandoned")
            return pb2.BatchResponse()
        return self._batch(matrix)

    # --- streaming de servidor ----------------------------------------------------------
    def PredictBatchStream(self, request, context):
        self._start("PredictBatchStream", context)
        try:
            matrix = to_matrix(request.features, request.num_features, self.features)
        except InvalidInput as error:
            self._abort_invalid(context, error, "PredictBatchStream")
        chunk = request.chunk_rows or DEFAULT_CHUNK_ROWS
        finished = False
        try:
            for start in range(0, len(matrix), chunk):
                # Antes de cada bloque: ¿sigue el cliente ahí? (cancelación o plazo vencido)
                if not self._model_time(context):
                    logger.info("PredictBatchStream cortado en la fila %d: cliente ausente", start)
                    return
                yield self._batch(matrix[start : start + chunk], first_row=start)
                self._count("PredictBatchStream.chunks")
            finished = True
        finally:
            # Si gRPC deja de pedir bloques (cliente cancelado), cierra el generador y se llega
            # acá sin haber terminado: también cuenta como stream cortado.
            if not finished:
                self._count("PredictBatchStream.cancelled")

    # --- streaming de cliente ---------------------------------------------------------
    def SummarizePredictions(self, request_iterator, context):
        self._start("SummarizePredictions", context)
        rows = []
        try:
            for i, request in enumerate(request_iterator):
                rows.append(to_row(request.features, self.features, row=i))
            if not rows:
                raise InvalidInput("el stream terminó sin ninguna fila")
        except InvalidInput as error:
            if error.row >= 0:
                error = InvalidInput(f"fila {error.row}: {error.reason}", error.field, error.row)
            self._abort_invalid(context, error, "SummarizePredictions")
        index, proba = self._predict(np.vstack(rows))  # una sola llamada vectorizada al final
        counts = Counter(self.classes[i] for i in index.tolist())
        return pb2.PredictionSummary(
            rows=len(rows),
            class_counts=dict(sorted(counts.items())),
            mean_probabilities=proba.mean(axis=0).tolist(),
            model_version=self.version,
        )

    # --- bidireccional -----------------------------------------------------------------
    def PredictInteractive(self, request_iterator, context):
        self._start("PredictInteractive", context)
        for i, request in enumerate(request_iterator):
            try:
                row = to_row(request.features, self.features, row=i)
            except InvalidInput as error:
                error = InvalidInput(f"mensaje {i}: {error.reason}", error.field, i)
                self._abort_invalid(context, error, "PredictInteractive")
            if not self._model_time(context):
                self._count("PredictInteractive.cancelled")
                return
            yield self._one(row, request.request_id)
            self._count("PredictInteractive.responses")


# --------------------------------------------------------------------------------------
# Armado y ciclo de vida del servidor
# --------------------------------------------------------------------------------------
class RunningServer:
    """Un servidor gRPC andando: el objeto grpc.Server, su puerto, el servicio y la salud."""

    def __init__(self, server, port, servicer, health_servicer):
        self.server, self.port = server, port
        self.servicer, self.health = servicer, health_servicer

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self, grace: float = 2.0) -> None:
        """Apagado ordenado: NOT_SERVING, no acepta RPC nuevos y espera `grace` s a los que
        están en curso; después cancela lo que quede."""
        self.health.enter_graceful_shutdown()
        self.server.stop(grace).wait()


def build_server(
    servicer: InferenceServicer,
    host: str = "127.0.0.1",
    port: int = 0,
    max_workers: int = 8,
) -> RunningServer:
    """Registra el servicio, la salud y la reflexión; abre el puerto (0 = uno libre) y arranca."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="grpc"),
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            # Por defecto gRPC usa SO_REUSEPORT en Linux: dos servidores podrían abrir el mismo
            # puerto sin error. Apagado, un puerto ocupado falla al arrancar, como se espera.
            ("grpc.so_reuseport", 0),
        ],
    )
    pb2_grpc.add_InferenceServiceServicer_to_server(servicer, server)

    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        (SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), server
    )
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise RuntimeError(f"no se pudo abrir {host}:{port} (¿puerto ocupado?)")
    server.start()
    for name in ("", SERVICE_NAME):  # "" = el servidor en general
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    return RunningServer(server, bound, servicer, health_servicer)


def main() -> None:
    parser = argparse.ArgumentParser(description="Servidor gRPC de inferencia (iris).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=50051)
    parser.add_argument("--model", type=Path, help="paquete joblib de la Clase 1 (opcional)")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--grace", type=float, default=5.0, help="segundos para terminar")
    parser.add_argument("--simulated-latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    servicer = InferenceServicer(load_bundle(args.model), args.simulated_latency_ms / 1000)
    running = build_server(servicer, args.host, args.port, args.workers)
    logger.info(
        "Servidor gRPC listo en %s:%d (modelo %s)", args.host, running.port, servicer.version
    )

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    logger.info("Señal recibida: apagado ordenado (hasta %.0f s)", args.grace)
    running.stop(args.grace)
    logger.info("Servidor detenido. Pedidos atendidos: %s", dict(sorted(servicer.stats.items())))


if __name__ == "__main__":
    main()
