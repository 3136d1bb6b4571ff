from __future__ import annotations

import sys

import pytest
from clase3_helpers import HANDS_ON

# Las pruebas importan el código de la clase como lo hace un notebook desde su carpeta.
sys.path.insert(0, str(HANDS_ON))

import inference_codegen  # noqa: E402

# El código generado no se versiona: se genera desde el .proto si falta o está viejo (con
# reemplazo atómico: varios procesos de pytest-xdist pueden hacerlo a la vez), antes de
# importar el servidor y el cliente, que lo importan.
inference_codegen.ensure()

import iris_model  # noqa: E402
from grpc_inference.server import build_server  # noqa: E402
from grpc_inference.servicer import InferenceServicer  # noqa: E402
from grpc_inference_client import InferenceClient  # noqa: E402


@pytest.fixture(scope="session")
def bundle() -> dict:
    return iris_model.train()  # el mismo modelo que sirven los notebooks


@pytest.fixture(scope="session")
def model_path(bundle, tmp_path_factory):
    return iris_model.save(bundle, tmp_path_factory.mktemp("modelo") / "iris_rf.joblib")


@pytest.fixture(scope="session")
def server(bundle):
    """El servidor real, en este proceso, en un puerto libre de 127.0.0.1."""
    running = build_server(InferenceServicer(bundle))
    yield running
    running.stop(grace=1)


@pytest.fixture(scope="session")
def client(server):
    with InferenceClient(server.target, timeout=10) as c:
        c.wait_ready()
        yield c


@pytest.fixture
def slow_server(bundle):
    """Una instancia cuyo "modelo" tarda 50 ms por predicción o bloque (plazos, cancelación)."""
    running = build_server(InferenceServicer(bundle, simulated_latency_s=0.05))
    yield running
    running.stop(grace=0)
