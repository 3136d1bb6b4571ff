"""Pruebas unitarias del paquete de plomería coursekit."""

from __future__ import annotations

import socket
import sys
import threading
import time

import httpx
import psutil
import pytest
from fastapi import FastAPI

from coursekit import BackgroundProcess, UvicornThread, free_port, wait_for_http, wait_for_port
from coursekit.net import port_is_open


def test_free_port_is_bindable():
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_wait_for_port_times_out_with_clear_message():
    port = free_port()
    start = time.monotonic()
    with pytest.raises(TimeoutError, match=rf"prueba: 127\.0\.0\.1:{port} no aceptó conexiones"):
        wait_for_port("127.0.0.1", port, timeout=0.5, name="prueba")
    assert time.monotonic() - start < 3


def test_wait_for_http_reports_last_status():
    app = FastAPI()

    @app.get("/down")
    def down():
        from fastapi import Response

        return Response(status_code=503)

    with UvicornThread(app) as server, pytest.raises(TimeoutError, match="HTTP 503"):
        wait_for_http(server.url + "/down", timeout=0.5)


def test_uvicorn_thread_serves_and_releases_port():
    app = FastAPI()

    @app.get("/ping")
    def ping():
        return {"pong": True}

    server = UvicornThread(app).start(health_path="/ping")
    try:
        assert httpx.get(server.url + "/ping").json() == {"pong": True}
        port = server.port
    finally:
        server.stop()
    assert not port_is_open("127.0.0.1", port)
    assert server.thread is None


def test_uvicorn_thread_reports_startup_failure():
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app):
        raise RuntimeError("falla adrede")
        yield

    with pytest.raises(RuntimeError, match="uvicorn terminó antes de arrancar"):
        UvicornThread(FastAPI(lifespan=lifespan), log_level="critical").start(timeout=5)


def test_background_process_ready_and_stopped_with_children(tmp_path):
    port = free_port()
    # Un servidor que además lanza un nieto: stop() debe terminar a los dos.
    code = (
        "import subprocess, sys, http.server, socketserver;"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
        f"http.server.HTTPServer(('127.0.0.1', {port}), http.server.SimpleHTTPRequestHandler)"
        ".serve_forever()"
    )
    proc = BackgroundProcess([sys.executable, "-c", code], tmp_path / "srv.log", cwd=tmp_path)
    proc.start(ready_url=f"http://127.0.0.1:{port}/", timeout=20)
    group = [proc.process.pid] + [c.pid for c in psutil.Process(proc.process.pid).children()]
    assert proc.running and len(group) == 2
    proc.stop()
    assert not proc.running
    assert not any(
        psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie" for pid in group
    )
    assert not port_is_open("127.0.0.1", port)


def test_background_process_that_dies_shows_log(tmp_path):
    proc = BackgroundProcess(
        [sys.executable, "-c", "import sys; print('no hay modelo'); sys.exit(3)"],
        tmp_path / "bad.log",
        name="servidor-roto",
    )
    with pytest.raises(
        RuntimeError, match=r"(?s)servidor-roto terminó con código 3.*no hay modelo"
    ):
        proc.start(ready_port=("127.0.0.1", free_port()), timeout=10)


def test_started_server_used_as_context_manager_is_not_started_twice():
    app = FastAPI()

    def uvicorn_threads() -> int:
        return [t.name for t in threading.enumerate()].count("uvicorn")

    before = uvicorn_threads()  # otras pruebas pueden tener su servidor corriendo
    with UvicornThread(app).start() as server:
        first_thread = server.thread
        assert uvicorn_threads() == before + 1
    assert server.thread is None and not first_thread.is_alive()


def test_linkcheck_collects_external_links_and_reports_broken_ones(tmp_path):
    from coursekit.dev import linkcheck

    app = FastAPI()
    app.get("/ok")(lambda: {"ok": True})
    (tmp_path / "a.html").write_text(
        '<a href="https://example.org/x#frag">x</a> <a href="http://127.0.0.1:8001">local</a>'
        ' <a href="b.html">interno</a>'
    )
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "c.html").write_text('<a href="https://ignorado.org">no</a>')
    assert linkcheck.external_links(tmp_path) == {"https://example.org/x": ["a.html"]}

    with UvicornThread(app) as server, httpx.Client(timeout=5) as client:
        assert linkcheck.check(client, f"{server.url}/ok") is None
        assert linkcheck.check(client, f"{server.url}/no-existe") == "HTTP 404"
        assert linkcheck.check(client, f"http://127.0.0.1:{free_port()}/").startswith("Connect")
