"""Cada entrada marcada ✔ en book/problemas.md: se provoca el error, se verifica que el mensaje es
el documentado y que el arreglo documentado lo resuelve."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from coursekit import UvicornThread, wait_for_http

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "book" / "problemas.md").read_text()


def documented(message: str) -> None:
    assert message in PAGE, f"el mensaje no está documentado en book/problemas.md: {message}"


def test_address_already_in_use():
    documented("OSError: [Errno 98] Address already in use")
    first = socket.socket()
    first.bind(("127.0.0.1", 0))
    first.listen()
    port = first.getsockname()[1]
    with socket.socket() as second, pytest.raises(OSError) as info:
        second.bind(("127.0.0.1", port))
    assert str(info.value) == "[Errno 98] Address already in use"
    first.close()  # arreglo: detener al que ocupa el puerto
    with socket.socket() as third:
        third.bind(("127.0.0.1", port))


def test_crlf_script_fails_and_sed_fixes_it(tmp_path):
    documented("$'\\r': command not found")
    script = tmp_path / "hola.sh"
    script.write_bytes(b"#!/bin/bash\r\n\r\necho hola\r\n")
    broken = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=False)
    assert "$'\\r': command not found" in broken.stderr
    subprocess.run(["sed", "-i", "s/\\r$//", str(script)], check=True)
    fixed = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=True)
    assert fixed.stdout == "hola\n" and fixed.stderr == ""


def test_module_not_found_depends_on_working_directory():
    documented("ModuleNotFoundError: No module named 'iris_api'")
    code = [sys.executable, "-c", "from iris_api.app import create_app"]
    wrong = subprocess.run(code, cwd=ROOT, capture_output=True, text=True, check=False)
    assert "ModuleNotFoundError: No module named 'iris_api'" in wrong.stderr
    right = subprocess.run(code, cwd=ROOT / "clase1" / "hands-on", capture_output=True, check=False)
    assert right.returncode == 0


def test_ready_timeout_without_model_and_fix(tmp_path):
    documented("no respondió 2xx en 30 s (último error: HTTP 503)")
    sys.path.insert(0, str(ROOT / "clase1" / "hands-on"))
    import iris_train
    from iris_api.app import create_app

    model_path = tmp_path / "iris_rf.joblib"
    with UvicornThread(create_app(model_path=model_path)) as server:
        with pytest.raises(
            TimeoutError, match=r"no respondió 2xx en 1 s \(último error: HTTP 503\)"
        ):
            wait_for_http(server.url + "/ready", timeout=1, name="API")
    iris_train.save(iris_train.train(n_estimators=5), model_path)  # arreglo: entrenar primero
    with UvicornThread(create_app(model_path=model_path)) as server:
        wait_for_http(server.url + "/ready", timeout=5, name="API")


def test_asyncio_run_inside_running_loop():
    documented("RuntimeError: asyncio.run() cannot be called from a running event loop")

    async def answer():
        return 42

    async def notebook_cell():
        coroutine = answer()
        with pytest.raises(RuntimeError, match="cannot be called from a running event loop"):
            asyncio.run(coroutine)
        coroutine.close()
        return await answer()  # arreglo: await directo

    assert asyncio.run(notebook_cell()) == 42


def test_protobuf_gencode_newer_than_runtime(tmp_path):
    documented("VersionError: Detected incompatible Protobuf Gencode/Runtime versions")
    (tmp_path / "ping.proto").write_text(
        'syntax = "proto3";\npackage demo;\nmessage Ping { string text = 1; }\n'
    )
    protoc = [sys.executable, "-m", "grpc_tools.protoc", "-I.", "--python_out=.", "ping.proto"]
    subprocess.run(protoc, cwd=tmp_path, check=True)
    generated = tmp_path / "ping_pb2.py"
    source = generated.read_text()
    # Simula código generado por un protoc de la versión mayor siguiente.
    import google.protobuf

    major = int(google.protobuf.__version__.split(".")[0])
    generated.write_text(source.replace(f"\n    {major},\n", f"\n    {major + 1},\n", 1))
    load = [sys.executable, "-c", "import ping_pb2"]
    broken = subprocess.run(load, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert "Detected incompatible Protobuf Gencode/Runtime versions" in broken.stderr
    subprocess.run(protoc, cwd=tmp_path, check=True)  # arreglo: regenerar con el entorno
    subprocess.run(load, cwd=tmp_path, check=True)
