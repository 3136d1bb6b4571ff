"""El servicio: un método por RPC de `inference.proto`, con los cuatro modelos de comunicación.

- Unario: `GetModelInfo`, `Predict` (una fila) y `PredictBatch` (un lote como arreglo plano).
- Streaming de servidor: `PredictBatchStream` devuelve un lote grande en bloques.
- Streaming de cliente: `SummarizePredictions` recibe filas de a una y responde un resumen.
- Bidireccional: `PredictInteractive` responde cada fila apenas llega.

Cada RPC lee el id de pedido de la metadata y lo devuelve (con la versión del modelo) en la
metadata de cierre; una entrada inválida termina en `INVALID_ARGUMENT` con el detalle
estructurado (`InputError`) en `inference-error-bin`; y antes de gastar el modelo se pregunta
si el cliente sigue ahí (`context.is_active()`: plazo vencido o llamada cancelada).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter

import grpc
import inference_pb2 as pb2
import inference_pb2_grpc as pb2_grpc
import numpy as np

from .conversion import batch_response, predict_proba, predict_response, summary_response
from .validation import InvalidInput, to_matrix, to_row

ERROR_METADATA_KEY = "inference-error-bin"  # sufijo -bin: valor binario (un InputError)
DEFAULT_CHUNK_ROWS = 1000

logger = logging.getLogger("grpc_inference")


class InferenceServicer(pb2_grpc.InferenceServiceServicer):
    """Implementa los RPC de `inference.proto` sobre el paquete de `iris_model.py`.

    `simulated_latency_s` agrega una demora por predicción (para estudiar plazos y
    cancelaciones con un modelo que, si no, responde en milisegundos).
    """

    def __init__(self, bundle: dict, simulated_latency_s: float = 0.0):
        self.model = bundle["model"]
        self.name = str(bundle.get("name", "iris-random-forest"))
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
    def count(self, key: str, n: int = 1) -> None:
        with self._lock:
            self.stats[key] += n

    def _trailing(self, context: grpc.ServicerContext, *extra: tuple[str, str | bytes]) -> str:
        """Devuelve el id de pedido de la metadata (y la versión del modelo) al cerrar."""
        request_id = dict(context.invocation_metadata()).get("x-request-id", "")
        trailing = (("x-request-id", request_id), ("x-model-version", self.version), *extra)
        context.set_trailing_metadata(trailing)
        return request_id

    def _start(self, rpc: str, context: grpc.ServicerContext) -> str:
        """Cuenta y registra la llamada (con su intento, si es un reintento)."""
        request_id = self._trailing(context)
        previous = dict(context.invocation_metadata()).get("grpc-previous-rpc-attempts", 0)
        self.count(f"{rpc}.calls")
        logger.info("%s request_id=%s intento=%d", rpc, request_id or "-", int(previous) + 1)
        return request_id

    def _abort_invalid(self, context: grpc.ServicerContext, error: InvalidInput, rpc: str):
        """INVALID_ARGUMENT con el motivo legible y el detalle estructurado en la metadata."""
        self.count(f"{rpc}.invalid")
        detail = pb2.InputError(field=error.field, row=error.row, reason=error.reason)
        self._trailing(context, (ERROR_METADATA_KEY, detail.SerializeToString()))
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, error.reason)

    def _model_time(self, context: grpc.ServicerContext) -> bool:
        """Simula el costo del modelo; False si el cliente se fue (plazo vencido o cancelado)."""
        deadline = time.monotonic() + self.simulated_latency_s
        while time.monotonic() < deadline and context.is_active():
            time.sleep(min(0.005, max(0.0, deadline - time.monotonic())))
        return context.is_active()

    # --- unarios ---------------------------------------------------------------------
    def GetModelInfo(self, request, context):
        self._start("GetModelInfo", context)
        return pb2.ModelInfo(
            name=self.name,
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
            self.count("Predict.abandoned")
            logger.info("Predict request_id=%s abandonado por el cliente", request_id or "-")
            return pb2.PredictResponse()
        index, proba = predict_proba(self.model, row)
        return predict_response(index, proba, self.classes, self.version, request_id)

    def PredictBatch(self, request, context):
        self._start("PredictBatch", context)
        try:
            matrix = to_matrix(request.features, request.num_features, self.features)
        except InvalidInput as error:
            self._abort_invalid(context, error, "PredictBatch")
        if not self._model_time(context):
            self.count("PredictBatch.abandoned")
            return pb2.BatchResponse()
        return batch_response(*predict_proba(self.model, matrix), self.version)

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
                index, proba = predict_proba(self.model, matrix[start : start + chunk])
                yield batch_response(index, proba, self.version, first_row=start)
                self.count("PredictBatchStream.chunks")
            finished = True
        finally:
            # Si gRPC deja de pedir bloques (cliente cancelado), cierra el generador y se llega
            # aquí sin haber terminado: también cuenta como stream cortado.
            if not finished:
                self.count("PredictBatchStream.cancelled")

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
        index, proba = predict_proba(self.model, np.vstack(rows))  # una llamada, al final
        return summary_response(index, proba, self.classes, self.version)

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
                self.count("PredictInteractive.cancelled")
                return
            index, proba = predict_proba(self.model, row)
            yield predict_response(index, proba, self.classes, self.version, request.request_id)
            self.count("PredictInteractive.responses")
