"""La espera de `LocalFederation.wait_for_nodes` con procesos de mentira (sin Flower).

La espera mira el log de cada SuperNode: estas pruebas la ejercitan con procesos que
escriben (o no) la línea que anuncia que el SuperLink activó al nodo.
"""

from __future__ import annotations

import sys
import time

import fl_federation
import pytest

from coursekit import BackgroundProcess


def fake_node(tmp_path, name: str, code: str) -> BackgroundProcess:
    args = [sys.executable, "-c", code]
    process = BackgroundProcess(args, log_path=tmp_path / f"{name}.log", name=name)
    return process.start()


@pytest.fixture
def federation(tmp_path):
    fed = fl_federation.LocalFederation(tmp_path, client_data=[tmp_path / "c0.npz"])
    yield fed
    fed.stop()


def test_wait_for_nodes_returns_once_every_node_logs_its_id(tmp_path, federation):
    announce = "import time; time.sleep(0.5); print('SuperNode ID: 42', flush=True); time.sleep(30)"
    federation.processes = [
        fake_node(tmp_path, "superlink", "import time; time.sleep(30)"),
        fake_node(tmp_path, "supernode-0", announce),
    ]
    start = time.monotonic()
    federation.wait_for_nodes(timeout=20)
    assert time.monotonic() - start < 10


def test_wait_for_nodes_fails_fast_when_a_node_dies(tmp_path, federation):
    federation.processes = [
        fake_node(tmp_path, "superlink", "import time; time.sleep(30)"),
        fake_node(tmp_path, "supernode-0", "print('sin conexión'); raise SystemExit(1)"),
    ]
    with pytest.raises(RuntimeError, match="supernode-0 terminó sin conectarse"):
        federation.wait_for_nodes(timeout=20)


def test_wait_for_nodes_times_out_with_a_clear_message(tmp_path, federation):
    federation.processes = [
        fake_node(tmp_path, "superlink", "import time; time.sleep(30)"),
        fake_node(tmp_path, "supernode-0", "import time; time.sleep(30)"),
    ]
    with pytest.raises(TimeoutError, match="supernode-0 no se conectó al SuperLink en 1 s"):
        federation.wait_for_nodes(timeout=1)


def test_stop_leaves_no_process_behind(tmp_path, federation):
    federation.processes = [
        fake_node(tmp_path, name, "import time; time.sleep(30)")
        for name in ("superlink", "supernode-0", "supernode-1")
    ]
    processes = list(federation.processes)
    federation.stop()
    assert federation.processes == []
    assert not any(p.running for p in processes)
