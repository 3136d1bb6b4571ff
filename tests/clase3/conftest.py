from __future__ import annotations

import sys
from pathlib import Path

import pytest

HANDS_ON = Path(__file__).resolve().parents[2] / "clase3" / "hands-on"
sys.path.insert(0, str(HANDS_ON))

import inference_codegen  # noqa: E402

# El código generado no se versiona: se regenera desde el .proto en cada sesión de pruebas.
inference_codegen.generate()

import grpc_inference_client  # noqa: E402
import grpc_inference_server  # noqa: E402


@pytest.fixture(scope="session")
def bundle() -> dict:
    return grpc_inference_server.load_bundle()  # iris_train.train() de la Clase 1


@pytest.fixture(scope="session")
def server(bundle):
    """El servidor real, en este proceso, en un puerto libre de 127.0.0.1."""
    running = grpc_inference_server.build_server(grpc_inference_server.InferenceServicer(bundle))
    yield running
    running.stop(grace=1)


@pytest.fixture(scope="session")
def client(server):
    with grpc_inference_client.InferenceClient(server.target, timeout=10) as c:
        c.wait_ready()
        yield c


@pytest.fixture
def slow_server(bundle):
    """Una instancia cuyo "modelo" tarda 50 ms por predicción o bloque (plazos, cancelación)."""
    servicer = grpc_inference_server.InferenceServicer(bundle, simulated_latency_s=0.05)
    running = grpc_inference_server.build_server(servicer)
    yield running
    running.stop(grace=0)
