"""coursekit.monitoring sin Prometheus: los archivos de blancos y los mensajes de error."""

from __future__ import annotations

import json
import socket

import pytest

from coursekit import monitoring


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_register_writes_a_file_sd_target(tmp_path, monkeypatch):
    monkeypatch.delenv("PROMETHEUS_TARGET_HOST", raising=False)
    path = monitoring.register_target("iris_api", "http://127.0.0.1:8123", directory=tmp_path)
    assert path == tmp_path / "iris_api--8123.json"
    assert json.loads(path.read_text()) == [{"targets": ["127.0.0.1:8123"], "labels": {}}]
    assert path.stat().st_mode & 0o444 == 0o444  # legible por el usuario de Prometheus
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # sin temporales olvidados


def test_register_is_idempotent_and_unregister_removes_it(tmp_path):
    url = "http://127.0.0.1:8124"
    first = monitoring.register_target("fraud_consumer", url, directory=tmp_path)
    again = monitoring.register_target("fraud_consumer", url, directory=tmp_path)
    assert first == again and len(list(tmp_path.iterdir())) == 1
    assert monitoring.unregister_target("fraud_consumer", url, directory=tmp_path) is True
    assert monitoring.unregister_target("fraud_consumer", url, directory=tmp_path) is False
    assert list(tmp_path.iterdir()) == []


def test_compose_host_metrics_path_and_extra_labels(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_TARGET_HOST", "host.docker.internal")
    path = monitoring.register_target(
        "project_api",
        "http://127.0.0.1:8125/ops/metrics",
        labels={"chapter": "clase8"},
        directory=tmp_path,
    )
    [group] = json.loads(path.read_text())
    assert group["targets"] == ["host.docker.internal:8125"]
    assert group["labels"] == {"chapter": "clase8", "__metrics_path__": "/ops/metrics"}


def test_unknown_job_and_url_without_port(tmp_path):
    with pytest.raises(ValueError, match="no tiene el job 'api'.*iris_api, fraud_consumer"):
        monitoring.register_target("api", "http://127.0.0.1:8000", directory=tmp_path)
    with pytest.raises(ValueError, match="no tiene puerto"):
        monitoring.register_target("iris_api", "http://localhost", directory=tmp_path)


def test_default_folder_is_the_one_the_local_stack_watches():
    from stack.localstack.layout import Layout

    assert Layout.from_env().state / "prometheus" / "targets" == monitoring.TARGETS_DIR


def test_query_explains_how_to_start_prometheus(monkeypatch):
    monkeypatch.setenv("PROMETHEUS_URL", f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(monitoring.PrometheusError) as error:
        monitoring.query("up")
    message = str(error.value)
    assert "Prometheus no responde en http://127.0.0.1:" in message
    assert "make stack-up" in message and "--profile monitoring" in message


def test_prometheus_forgets_targets_of_a_previous_session(tmp_path):
    """Un notebook que falló antes de su celda de cierre deja su blanco: al arrancar se borra."""
    from stack.localstack.prometheus import forget_old_targets

    monitoring.register_target(
        "project_api", "http://127.0.0.1:36863", directory=tmp_path / "targets"
    )
    forget_old_targets(tmp_path)
    assert list((tmp_path / "targets").iterdir()) == []
