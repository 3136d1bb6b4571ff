"""Lo que rodea al servicio gRPC: validación pura, configuración, generación de código y la
línea de comandos (`python -m grpc_inference`) como proceso aparte, con apagado por SIGTERM."""

from __future__ import annotations

import sys

import grpc
import inference_codegen
import pytest
from clase3_helpers import HANDS_ON, SETOSA
from grpc_inference import cli
from grpc_inference.server import build_server
from grpc_inference.servicer import InferenceServicer
from grpc_inference.settings import Settings
from grpc_inference.validation import InvalidInput, to_matrix, to_row
from grpc_inference_client import InferenceClient
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

from coursekit import BackgroundProcess, free_port

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


# --- validación: funciones puras, sin servidor ----------------------------------------
def test_to_matrix_reshapes_a_flat_batch():
    matrix = to_matrix([*SETOSA, *SETOSA], 4, FEATURES)
    assert matrix.shape == (2, 4)


def test_to_row_reports_field_and_row():
    with pytest.raises(InvalidInput) as caught:
        to_row([5.1, 3.5, -1.0, 0.2], FEATURES, row=7)
    assert caught.value.reason == "columna petal_length: -1 debe ser mayor que 0"
    assert (caught.value.field, caught.value.row) == ("features[2]", 7)


# --- generación de código -------------------------------------------------------------
def test_ensure_generates_when_missing(tmp_path):
    assert inference_codegen.is_stale(tmp_path)
    versions = inference_codegen.ensure(out_dir=tmp_path)
    assert not inference_codegen.is_stale(tmp_path)
    assert versions["grpc_runtime"] == grpc.__version__


# --- configuración ----------------------------------------------------------------------
def test_settings_defaults_train_in_development():
    settings = Settings.from_env({})
    assert settings.model_path is None and settings.reflection


@pytest.mark.parametrize(
    ("environ", "fragment"),
    [
        ({"APP_ENV": "produccion"}, "APP_ENV='produccion' no es válido"),
        ({"APP_ENV": "production"}, "APP_ENV=production exige MODEL_PATH"),
        ({"MODEL_PATH": "/no/existe.joblib"}, "python iris_model.py --output"),
    ],
)
def test_settings_reject_bad_configuration(environ, fragment):
    with pytest.raises(ValueError) as caught:
        Settings.from_env(environ)
    assert fragment in str(caught.value)


def test_production_turns_reflection_off(model_path):
    settings = Settings.from_env({"APP_ENV": "production", "MODEL_PATH": str(model_path)})
    assert not settings.reflection


def test_server_without_reflection_hides_the_contract(bundle):
    running = build_server(InferenceServicer(bundle), reflection_enabled=False)
    try:
        with InferenceClient(running.target) as client:
            assert client.predict(SETOSA)[0].label == "setosa"
            with pytest.raises(grpc.RpcError) as caught:
                ProtoReflectionDescriptorDatabase(client.channel).get_services()
        assert caught.value.code() == grpc.StatusCode.UNIMPLEMENTED
    finally:
        running.stop(grace=0)


def test_cli_fails_fast_with_a_clear_message(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("MODEL_PATH", raising=False)
    with pytest.raises(SystemExit, match="No se puede arrancar: APP_ENV=production exige"):
        cli.main(["--port", "0"])


# --- python -m grpc_inference: proceso aparte, SIGTERM, apagado ordenado ---------------------
def test_module_runs_serves_and_stops_on_sigterm(model_path, tmp_path):
    port = free_port()
    command = [sys.executable, "-m", "grpc_inference", "--port", str(port)]
    server = BackgroundProcess(
        [*command, "--model", str(model_path), "--grace", "1"],
        log_path=tmp_path / "grpc.log",
        cwd=HANDS_ON,
        name="python -m grpc_inference",
    ).start(ready_port=("127.0.0.1", port), timeout=120)
    try:
        with InferenceClient(f"127.0.0.1:{port}") as client:
            client.wait_ready()
            assert client.health() == "SERVING"
            assert client.predict(SETOSA)[0].label == "setosa"
    finally:
        exit_code = server.stop()
    assert exit_code == 0
    assert "Servidor detenido" in server.log_path.read_text()
