"""El cliente Node.js (@grpc/grpc-js) llama al servidor Python con el mismo .proto."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
from clase3_helpers import HANDS_ON

NODE_CLIENT = HANDS_ON / "node_client"


def test_node_client_calls_python_server(server, bundle):
    assert shutil.which("node"), "falta Node.js (≥ 20): instalarlo para el cliente entre lenguajes"
    assert (NODE_CLIENT / "node_modules" / "@grpc" / "grpc-js").is_dir(), (
        "faltan las dependencias del cliente Node: ejecutar "
        "`npm ci --prefix clase3/hands-on/node_client`"
    )
    result = subprocess.run(
        ["node", "client.js", "--target", server.target, "--rows", "10", "--chunk", "4"],
        cwd=NODE_CLIENT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)

    expected = bundle["model"].predict_proba(np.array([[5.1, 3.5, 1.4, 0.2]]))[0]
    assert out["unary"]["label"] == "setosa"
    assert out["unary"]["request_id"] == "node-1"  # viajó en la metadata
    np.testing.assert_allclose(out["unary"]["probabilities"], expected.round(4), atol=1e-4)

    streaming = out["server_streaming"]
    assert streaming["chunks"] == 3 and streaming["first_rows"] == [0, 4, 8]
    assert streaming["class_index"] == [0, 1, 2] * 3 + [0]

    assert out["invalid_argument"]["code"] == "INVALID_ARGUMENT"
    assert "se esperaban 4 valores" in out["invalid_argument"]["details"]
