"""`make doctor` detecta cada problema documentado: se provoca cada uno y se verifica el mensaje."""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
from types import SimpleNamespace

from coursekit import free_port
from coursekit.dev import doctor


def levels(findings):
    return [f.level for f in findings]


def test_wrong_python_version():
    [finding] = doctor.check_python((3, 12))
    assert finding.level == doctor.FAIL and "3.11" in finding.fix


def test_pins_mismatch_detected(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\ndependencies = ["httpx==0.0.1"]\n[dependency-groups]\ndev = ["nope-pkg==1.0"]\n'
    )
    [finding] = doctor.check_pins(pyproject)
    assert finding.level == doctor.FAIL
    assert "httpx" in finding.message and "nope-pkg no instalado" in finding.message
    assert "make env" in finding.fix


def test_real_environment_matches_pins():
    assert levels(doctor.check_pins()) == [doctor.OK]


def test_port_in_use_is_reported_with_owner():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        [finding] = doctor.check_ports({port: "kafka"})
    assert finding.level == doctor.WARN and f"{port} (kafka)" in finding.message
    assert f"sport = :{port}" in finding.fix
    assert levels(doctor.check_ports({free_port(): "kafka"})) == [doctor.OK]


def fake_run(returncode=0, stdout="", stderr=""):
    return lambda *a, **k: SimpleNamespace(returncode=returncode, stdout=stdout, stderr=stderr)


def test_docker_absent_daemon_down_and_low_memory():
    assert levels(doctor.check_docker(which=lambda _: None)) == [doctor.OK]
    down = doctor.check_docker(which=lambda _: "/usr/bin/docker", run=fake_run(returncode=1))
    assert down[0].level == doctor.WARN and "daemon" in down[0].message
    low = doctor.check_docker(
        which=lambda _: "/usr/bin/docker", run=fake_run(stdout=json.dumps({"MemTotal": 2 * 2**30}))
    )
    assert low[0].level == doctor.WARN and "2.0 GiB" in low[0].message and "Memory" in low[0].fix


def test_missing_java_and_go_and_old_java():
    missing = doctor.check_local_tools(which=lambda _: None)
    assert [f.check for f in missing] == ["java", "go"] and set(levels(missing)) == {doctor.WARN}
    old = doctor.check_local_tools(
        which=lambda name: f"/usr/bin/{name}", run=fake_run(stderr='openjdk version "11.0.2"')
    )
    assert old[0].level == doctor.WARN and "Java 11" in old[0].message


def test_apple_silicon_warns():
    assert doctor.check_architecture("arm64")[0].level == doctor.WARN
    assert doctor.check_architecture("x86_64")[0].level == doctor.OK


def test_crlf_script_detected(tmp_path):
    script = tmp_path / "start.sh"
    script.write_bytes(b"#!/bin/bash\r\necho hola\r\n")
    [finding] = doctor.check_crlf([script])
    assert finding.level == doctor.FAIL and "CRLF" in finding.message
    # El arreglo documentado funciona de verdad.
    subprocess.run(["sed", "-i", "s/\\r$//", str(script)], check=True)
    assert doctor.check_crlf([script])[0].level == doctor.OK


def test_mlflow_version_skew_detected():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - nombre impuesto por http.server
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"2.9.0")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        [skew] = doctor.check_mlflow_server(url, client_version="3.17.2")
        [same] = doctor.check_mlflow_server(url, client_version="2.9.1")
    finally:
        server.shutdown()
        server.server_close()
    assert skew.level == doctor.FAIL and "3.17.2" in skew.message and "2.9.0" in skew.message
    assert same.level == doctor.OK
    [absent] = doctor.check_mlflow_server(f"http://127.0.0.1:{free_port()}")
    assert absent.level == doctor.OK and "no disponible" in absent.message


def test_protobuf_gencode_newer_than_runtime(tmp_path):
    generated = tmp_path / "inference_pb2.py"
    generated.write_text("# Protobuf Python Version: 6.40.0\n")
    [finding] = doctor.check_protobuf_gencode([generated], runtime="6.33.6")
    assert finding.level == doctor.FAIL and "Gencode/Runtime" in finding.message
    generated.write_text("# Protobuf Python Version: 6.31.1\n")
    assert doctor.check_protobuf_gencode([generated], runtime="6.33.6")[0].level == doctor.OK


def test_doctor_runs_as_a_module():
    """`make doctor` llama a `python -m coursekit.dev.doctor`."""
    result = subprocess.run(
        [sys.executable, "-m", "coursekit.dev.doctor"], capture_output=True, text=True, timeout=120
    )
    assert "error(es)" in result.stdout, result.stderr
    assert result.returncode == (1 if "✘" in result.stdout else 0)


def test_doctor_runs_end_to_end(capsys):
    doctor.main()
    out = capsys.readouterr().out
    assert "python" in out and "error(es)" in out


def test_missing_optional_tools_say_how_to_install_them_on_each_system():
    missing = doctor.check_optional_tools(which=lambda _: None)
    assert {f.check for f in missing} >= {"java", "go", "node", "chromium", "dot"}
    for finding in missing:
        assert finding.level == doctor.WARN
        assert "apt-get install" in finding.fix and "brew install" in finding.fix
        assert "WSL" in finding.fix


def test_present_tools_are_ok():
    found = doctor.check_optional_tools(which=lambda name: f"/usr/bin/{name}")
    assert all(f.level == doctor.OK for f in found)
