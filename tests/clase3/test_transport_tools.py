"""Las piezas de la comparación de transportes (notebook 03): los dos modelos, los clientes, el
relevo que cuenta bytes, la fijación a un núcleo y el proceso que mide."""

from __future__ import annotations

import os
import socket
import socketserver
import subprocess
import sys
import threading
import time
from contextlib import ExitStack

import iris_model
import numpy as np
import pytest
from clase3_helpers import rows
from cpu_pinning import same_core, supported
from grpc_inference.server import build_server
from grpc_inference.servicer import InferenceServicer
from grpc_inference_client import InferenceClient
from rest_iris.app import create_app
from rest_iris.settings import Settings
from transport_clients import FACTORIES, GRPC_PREFIX
from transport_timing import overhead, run
from wire_meter import WireMeter

from coursekit import UvicornThread, measure


@pytest.fixture(scope="module")
def light_bundle():
    return iris_model.train("logistic")


@pytest.fixture(scope="module")
def light_server(light_bundle):
    running = build_server(InferenceServicer(light_bundle))
    yield running
    running.stop(grace=0)


def test_two_models_same_contract(light_bundle, bundle):
    assert light_bundle["name"] == "iris-logistic-regression"
    assert bundle["name"] == "iris-random-forest"
    assert light_bundle["features"] == bundle["features"] == iris_model.FEATURES
    assert light_bundle["test_accuracy"] > 0.9
    assert light_bundle["model"].predict_proba(rows(5)).shape == (5, 3)
    with pytest.raises(ValueError, match="modelo desconocido"):
        iris_model.build("svm")


def test_sample_rows_is_reproducible():
    np.testing.assert_array_equal(iris_model.sample_rows(50), iris_model.sample_rows(50))
    assert iris_model.sample_rows(10_000)[:100].shape == (100, 4)


def test_model_info_reports_the_served_model(light_server):
    with InferenceClient(light_server.target) as client:
        assert client.model_info().name == "iris-logistic-regression"


def test_grpc_client_returns_probabilities_and_the_bodies(light_server, light_bundle):
    with ExitStack() as stack:
        predict = FACTORIES["gRPC"](light_server.target, stack)
        proba, sent, received = predict(rows(10))
    np.testing.assert_allclose(proba, light_bundle["model"].predict_proba(rows(10)), atol=1e-6)
    assert sent.startswith(GRPC_PREFIX) and received.startswith(GRPC_PREFIX)
    # prefijo + features (etiqueta, longitud de 2 bytes, 40 float) + num_features (etiqueta, valor)
    assert len(sent) == 5 + (1 + 2 + 40 * 4) + (1 + 1)


def test_rest_client_through_the_wire_meter_counts_headers_too(model_path, bundle):
    app = create_app(Settings(model_path=model_path))
    with UvicornThread(app).start(health_path="/ready") as server, ExitStack() as stack:
        meter = stack.enter_context(WireMeter("127.0.0.1", server.port))
        predict = FACTORIES["REST"](meter.address, stack)
        predict(rows(1))  # abre la conexión
        meter.reset()
        proba, sent, received = predict(rows(3))
        np.testing.assert_allclose(proba, bundle["model"].predict_proba(rows(3)).round(4))
        assert meter.sent > len(sent) and meter.received > len(received)  # + encabezados


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while data := self.request.recv(4096):
            self.request.sendall(data)


def test_wire_meter_counts_every_byte_both_ways_and_stops_cleanly():
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), Echo) as echo:
        threading.Thread(target=echo.serve_forever, daemon=True).start()
        before = threading.active_count()
        with WireMeter("127.0.0.1", echo.server_address[1]) as meter:
            host, port = meter.address.split(":")
            with socket.create_connection((host, int(port))) as conn:
                payload = bytes(range(256)) * 40
                conn.sendall(payload)
                received = b""
                while len(received) < len(payload):
                    received += conn.recv(65536)
            assert received == payload
            assert meter.sent == meter.received == len(payload)
            meter.reset()
            assert meter.sent == meter.received == 0
        # El hilo del eco que atendió la conexión termina poco después de que se cierra: se espera.
        deadline = time.monotonic() + 5
        while threading.active_count() > before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert threading.active_count() <= before
        echo.shutdown()


@pytest.mark.skipif(not supported(), reason="sched_setaffinity solo existe en Linux")
def test_same_core_pins_this_thread_and_a_child_then_restores():
    before = os.sched_getaffinity(0)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with same_core([child.pid]) as core:
            assert core in before
            assert os.sched_getaffinity(0) == {core}
            assert os.sched_getaffinity(child.pid) == {core}
        assert os.sched_getaffinity(0) == before
        assert os.sched_getaffinity(child.pid) == before
    finally:
        child.kill()
        child.wait()


def test_transport_timing_measures_every_arm(light_server, tmp_path, light_bundle):
    path = iris_model.save(light_bundle, tmp_path / "light.joblib")
    plan = {
        "models": {"light": {"path": str(path), "servers": {"gRPC": light_server.target}}},
        "server_pids": [],
        "repeats": {"1": 3, "100": 3},
    }
    samples = run(plan)
    assert set(samples["light"]) == {"1", "100"}
    for arms in samples["light"].values():
        assert list(arms) == ["en proceso", "gRPC"]
        assert all(len(values) == 3 and min(values) > 0 for values in arms.values())


def test_overhead_is_the_difference_of_medians_with_an_interval():
    result = {
        "en proceso": measure.Summary("en proceso", (1.0, 1.1, 0.9, 1.0, 1.0)),
        "gRPC": measure.Summary("gRPC", (3.0, 3.2, 2.8, 3.0, 3.0)),
    }
    p50, low, high = overhead(result, "gRPC")
    assert p50 == pytest.approx(2.0)
    assert 1.7 <= low <= p50 <= high <= 2.3
    assert overhead(result, "gRPC") == (p50, low, high)  # con semilla: reproducible
