"""Contrato del servicio gRPC de inferencia: los cuatro tipos de RPC, salud, reflexión y
cada camino de error (entrada inválida, plazo vencido, stream cancelado, reintentos)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import grpc
import inference_codegen
import inference_pb2 as pb2
import numpy as np
import pytest
from clase3_helpers import SETOSA, rows, wait_until
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_inference.server import SERVICE_NAME, build_server
from grpc_inference.servicer import InferenceServicer
from grpc_inference_client import InferenceClient, input_error
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)


# --- código generado ----------------------------------------------------------------
def test_codegen_into_temp_dir_has_consistent_versions(tmp_path):
    files = inference_codegen.generate(out_dir=tmp_path)
    assert all(f.exists() for f in files)
    versions = inference_codegen.gencode_versions(tmp_path)
    inference_codegen.check_versions(versions)  # no lanza
    assert versions["protobuf_gencode"].split(".")[0] == versions["protobuf_runtime"].split(".")[0]


def test_version_check_rejects_newer_gencode():
    with pytest.raises(RuntimeError, match="regenerar"):
        inference_codegen.check_versions(
            {
                "protobuf_gencode": "7.0.0",
                "protobuf_runtime": "6.33.6",
                "grpc_gencode": "1.0.0",
                "grpc_runtime": "1.85.3",
            }
        )


# --- unarios ------------------------------------------------------------------------
def test_model_info(client, bundle):
    info = client.model_info()
    assert list(info.feature_names) == bundle["features"]
    assert list(info.class_names) == bundle["classes"]
    assert info.version == bundle["version"]


def test_unary_predict_matches_inprocess_and_echoes_request_id(client, bundle):
    response, trailing = client.predict(SETOSA, request_id="pedido-123")
    expected = bundle["model"].predict_proba(np.array([SETOSA]))[0]
    assert response.label == "setosa" and response.class_index == 0
    np.testing.assert_allclose(response.probabilities, expected, atol=1e-6)
    assert response.request_id == "pedido-123"
    assert trailing["x-request-id"] == "pedido-123"
    assert trailing["x-model-version"] == bundle["version"]


def test_predict_batch_matches_inprocess(client, bundle):
    matrix = rows(100)
    index, proba = client.predict_batch(matrix)
    expected = bundle["model"].predict_proba(matrix.astype(np.float32))
    np.testing.assert_array_equal(index, expected.argmax(axis=1))
    np.testing.assert_allclose(proba, expected, atol=1e-6)


# --- streaming de servidor ----------------------------------------------------------
def test_server_streaming_returns_every_row_in_chunks(client):
    matrix = rows(2500)
    chunks = list(client.predict_batch_stream(matrix, chunk_rows=1000))
    assert [c.first_row for c in chunks] == [0, 1000, 2000]
    assert [len(c.class_index) for c in chunks] == [1000, 1000, 500]
    streamed = np.concatenate([np.asarray(c.class_index) for c in chunks])
    np.testing.assert_array_equal(streamed, client.predict_batch(matrix)[0])


# --- streaming de cliente -----------------------------------------------------------
def test_client_streaming_summarizes_all_rows(client, bundle):
    matrix = rows(60, seed=3)
    summary = client.summarize(matrix.tolist())
    proba = bundle["model"].predict_proba(matrix.astype(np.float32))
    assert summary.rows == 60
    expected = {
        name: int((proba.argmax(axis=1) == i).sum()) for i, name in enumerate(bundle["classes"])
    }
    assert dict(summary.class_counts) == {k: v for k, v in expected.items() if v}
    np.testing.assert_allclose(summary.mean_probabilities, proba.mean(axis=0), atol=1e-5)


# --- bidireccional ------------------------------------------------------------------
def test_bidirectional_one_response_per_request_in_order(client):
    matrix = rows(5, seed=4)
    responses = list(client.predict_interactive(matrix.tolist()))
    assert [r.request_id for r in responses] == [f"fila-{i}" for i in range(5)]
    assert all(len(r.probabilities) == 3 for r in responses)


# --- entradas inválidas: INVALID_ARGUMENT con mensaje y detalle ------------------------
@pytest.mark.parametrize(
    ("features", "fragment", "field"),
    [
        ([5.1, 3.5, 1.4], "se esperaban 4 valores", "features"),
        ([5.1, 3.5, 1.4, 0.2, 9.9], "llegaron 5", "features"),
        ([], "llegaron 0", "features"),
        ([5.1, float("nan"), 1.4, 0.2], "sepal_width: nan no es un número finito", "features[1]"),
        ([5.1, 3.5, float("inf"), 0.2], "petal_length: inf no es un número finito", "features[2]"),
        ([5.1, 3.5, 1.4, -0.2], "petal_width: -0.2 debe ser mayor que 0", "features[3]"),
    ],
)
def test_predict_invalid_input(client, features, fragment, field):
    with pytest.raises(grpc.RpcError) as caught:
        client.predict(features)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert fragment in caught.value.details()
    detail = input_error(caught.value)
    assert detail is not None and detail.field == field and detail.reason


def test_batch_invalid_inputs(client):
    stub = client.stub
    cases = [
        (pb2.BatchRequest(features=[1.0] * 8, num_features=3), "num_features=3", "num_features"),
        (pb2.BatchRequest(features=[1.0] * 6, num_features=4), "sobran 2", "features"),
        (pb2.BatchRequest(num_features=4), "el lote está vacío", "features"),
    ]
    for request, fragment, field in cases:
        with pytest.raises(grpc.RpcError) as caught:
            stub.PredictBatch(request, timeout=5)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert fragment in caught.value.details()
        assert input_error(caught.value).field == field

    matrix = rows(10)
    matrix[7, 0] = np.nan
    matrix[8, 1] = np.nan
    with pytest.raises(grpc.RpcError) as caught:
        client.predict_batch(matrix)
    assert "fila 7, columna sepal_length" in caught.value.details()
    assert "2 filas con problemas" in caught.value.details()
    assert input_error(caught.value).row == 7


def test_streaming_invalid_inputs(client):
    with pytest.raises(grpc.RpcError) as caught:
        list(client.predict_batch_stream([[1.0, 2.0, 3.0]], chunk_rows=10))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    with pytest.raises(grpc.RpcError) as caught:
        client.summarize([SETOSA, SETOSA, [5.1, 3.5]])
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert caught.value.details().startswith("fila 2:")
    assert input_error(caught.value).row == 2

    with pytest.raises(grpc.RpcError) as caught:
        client.summarize([])
    assert "sin ninguna fila" in caught.value.details()

    received = []
    with pytest.raises(grpc.RpcError) as caught:
        for response in client.predict_interactive([SETOSA, [1.0, float("nan"), 1.0, 1.0]]):
            received.append(response.request_id)
    assert received == ["fila-0"]  # la fila válida se respondió antes del error
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert caught.value.details().startswith("mensaje 1:")


# --- plazos y cancelación -------------------------------------------------------------
def test_deadline_exceeded_and_server_stops_working(slow_server):
    with InferenceClient(slow_server.target) as client:
        client.wait_ready()
        start = time.perf_counter()
        with pytest.raises(grpc.RpcError) as caught:
            client.predict(SETOSA, timeout=0.01)
        assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        assert time.perf_counter() - start < 0.5  # el cliente no espera de más
    stats = slow_server.servicer.stats
    assert wait_until(lambda: stats["Predict.abandoned"] == 1), dict(stats)


def test_deadline_exceeded_is_not_retried(slow_server):
    with InferenceClient(slow_server.target) as client:
        with pytest.raises(grpc.RpcError) as caught:
            client.predict(SETOSA, timeout=0.02)
    assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    time.sleep(0.2)
    assert slow_server.servicer.stats["Predict.calls"] == 1


def test_cancelled_stream_stops_server_work(slow_server):
    with InferenceClient(slow_server.target) as client:
        call = client.predict_batch_stream(rows(5000), chunk_rows=100, timeout=30)  # 50 bloques
        iterator = iter(call)
        first = next(iterator)
        assert first.first_row == 0
        call.cancel()
        with pytest.raises(grpc.RpcError) as caught:
            next(iterator)
        assert caught.value.code() == grpc.StatusCode.CANCELLED
    stats = slow_server.servicer.stats
    assert wait_until(lambda: stats["PredictBatchStream.cancelled"] == 1), dict(stats)
    assert stats["PredictBatchStream.chunks"] < 10  # de 50: el servidor dejó de trabajar


# --- salud, reflexión y apagado ordenado ------------------------------------------------
def test_health_check_serving(client, server):
    stub = health_pb2_grpc.HealthStub(client.channel)
    for service in ("", SERVICE_NAME):
        response = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
        assert response.status == health_pb2.HealthCheckResponse.SERVING
    assert client.health() == "SERVING"
    with pytest.raises(grpc.RpcError) as caught:
        stub.Check(health_pb2.HealthCheckRequest(service="otro.Servicio"), timeout=5)
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_reflection_lists_the_service(client):
    database = ProtoReflectionDescriptorDatabase(client.channel)
    services = database.get_services()
    assert SERVICE_NAME in services
    assert "grpc.health.v1.Health" in services
    descriptor = database.FindFileContainingSymbol(SERVICE_NAME)
    assert descriptor.package == "mlops2.inference.v1"


def test_graceful_shutdown_finishes_in_flight_requests(bundle):
    servicer = InferenceServicer(bundle, simulated_latency_s=0.3)
    running = build_server(servicer)
    with InferenceClient(running.target, retries=False) as client, ThreadPoolExecutor(1) as pool:
        client.wait_ready()
        in_flight = pool.submit(client.predict, SETOSA)
        assert wait_until(lambda: servicer.stats["Predict.calls"] == 1)
        stopper = threading.Thread(target=running.stop, kwargs={"grace": 5})
        stopper.start()
        response, _ = in_flight.result(timeout=5)  # el pedido en curso termina bien
        assert response.label == "setosa"
        stopper.join(5)
        with pytest.raises(grpc.RpcError) as caught:  # y ya no se aceptan pedidos nuevos
            client.predict(SETOSA, timeout=1)
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE


# --- reintentos por service config: solo UNAVAILABLE -------------------------------------
class FlakyServicer(InferenceServicer):
    """Falla con UNAVAILABLE los primeros `failures` intentos de Predict."""

    failures = 0

    def Predict(self, request, context):
        self.count("attempts")
        if self.stats["attempts"] <= self.failures:
            context.abort(grpc.StatusCode.UNAVAILABLE, "réplica reiniciándose")
        return super().Predict(request, context)


@pytest.fixture
def flaky(bundle):
    servicer = FlakyServicer(bundle)
    running = build_server(servicer)
    yield servicer, running.target
    running.stop(grace=0)


def test_retry_recovers_from_unavailable(flaky):
    servicer, target = flaky
    servicer.failures = 2
    with InferenceClient(target) as client:
        response, _ = client.predict(SETOSA)
    assert response.label == "setosa"
    assert servicer.stats["attempts"] == 3


def test_retry_gives_up_after_max_attempts(flaky):
    servicer, target = flaky
    servicer.failures = 100
    with InferenceClient(target) as client, pytest.raises(grpc.RpcError) as caught:
        client.predict(SETOSA)
    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    assert servicer.stats["attempts"] == 4  # maxAttempts de la service config


def test_invalid_argument_is_not_retried(flaky):
    servicer, target = flaky
    with InferenceClient(target) as client, pytest.raises(grpc.RpcError) as caught:
        client.predict([1.0, 2.0])
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert servicer.stats["attempts"] == 1


def test_without_retry_config_unavailable_surfaces_at_once(flaky):
    servicer, target = flaky
    servicer.failures = 1
    with InferenceClient(target, retries=False) as client, pytest.raises(grpc.RpcError) as caught:
        client.predict(SETOSA)
    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    assert servicer.stats["attempts"] == 1
