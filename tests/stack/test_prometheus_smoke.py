"""Prometheus del stack, de verdad: listo, descubre un blanco, lo raspa, evalúa reglas y alertas.

Requiere `make stack-up` (o `python -m stack.localstack up prometheus`). El blanco es un
`/metrics` de prometheus_client en un hilo, registrado con coursekit.monitoring como lo hará un
notebook. La alerta que se hace disparar usa una feature ficticia (`smoke_test`) y una instancia
propia, así no se confunde con la de un notebook.
"""

from __future__ import annotations

import time
import urllib.request

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server

from coursekit import monitoring, stack

pytestmark = pytest.mark.stack


@pytest.fixture
def exporter():
    """Un /metrics en un puerto libre; devuelve (url, registro de métricas). Si Prometheus corre
    en un contenedor (PROMETHEUS_TARGET_HOST no es 127.0.0.1), escucha en todas las interfaces."""
    registry = CollectorRegistry()
    local = stack.env("PROMETHEUS_TARGET_HOST") == "127.0.0.1"
    server, thread = start_http_server(
        0, addr="127.0.0.1" if local else "0.0.0.0", registry=registry
    )
    yield f"http://127.0.0.1:{server.server_port}", registry
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"{what}: no ocurrió en {timeout:.0f} s"
        time.sleep(0.5)
    return result


def active_instances(job: str) -> set[str]:
    targets = monitoring.api_get("/api/v1/targets", {"state": "active"})["activeTargets"]
    return {t["labels"]["instance"] for t in targets if t["labels"]["job"] == job}


def test_ready_and_scraping_itself():
    stack.require("prometheus")
    with urllib.request.urlopen(f"{monitoring.prometheus_url()}/-/ready", timeout=5) as response:
        assert response.status == 200
    up = wait_until(lambda: monitoring.query('up{job="prometheus"}'), 30, "auto-scrape")
    assert [sample.value for sample in up] == [1.0]


def test_registered_target_is_scraped_and_recorded_then_dropped(exporter):
    url, registry = exporter
    requests = Counter(
        "http_requests_total", "prueba", ["method", "route", "status"], registry=registry
    )
    requests.labels("GET", "/smoke", "200").inc(7)
    instance = monitoring.target_address(url)
    monitoring.register_target("iris_api", url)
    try:
        monitoring.wait_for_target_up("iris_api", url, timeout=30)
        [sample] = monitoring.query(f'http_requests_total{{instance="{instance}"}}')
        assert sample.value == 7.0 and sample.labels["route"] == "/smoke"
        # La regla de registro del job ya tiene valor (al menos dos muestras en su ventana).
        recorded = 'job:http_request_errors:ratio_rate30s{job="iris_api"}'
        wait_until(lambda: monitoring.query(recorded), 30, "regla de registro")
    finally:
        monitoring.unregister_target("iris_api", url)
    wait_until(lambda: instance not in active_instances("iris_api"), 30, "baja del blanco")


def test_drift_alert_goes_pending_then_firing(exporter):
    """Las alertas del curso pasan de inactive a pending y a firing en < 30 s (for: 10s)."""
    url, registry = exporter
    psi = Gauge("fraud_feature_psi", "prueba", ["feature"], registry=registry)
    psi.labels("smoke_test").set(0.05)
    instance = monitoring.target_address(url)
    alert = {"instance": instance, "feature": "smoke_test"}
    monitoring.register_target("fraud_consumer", url)
    try:
        monitoring.wait_for_target_up("fraud_consumer", url, timeout=30)
        assert monitoring.alert_state("FeatureDriftHigh", **alert) == "inactive"
        psi.labels("smoke_test").set(0.5)  # el productor desplazó la distribución
        shifted = time.monotonic()
        wait_until(
            lambda: monitoring.alert_state("FeatureDriftHigh", **alert) == "pending", 15, "pending"
        )
        pending = time.monotonic() - shifted
        wait_until(
            lambda: monitoring.alert_state("FeatureDriftHigh", **alert) == "firing", 30, "firing"
        )
        firing = time.monotonic() - shifted
        print(f"FeatureDriftHigh: pending a los {pending:.1f} s, firing a los {firing:.1f} s")
        assert pending < firing < 30 and firing - pending >= 8  # el `for: 10s` se respeta
    finally:
        monitoring.unregister_target("fraud_consumer", url)
    wait_until(
        lambda: monitoring.alert_state("FeatureDriftHigh", **alert) == "inactive", 30, "resuelta"
    )


def test_clear_errors_for_bad_queries_and_unknown_alerts():
    stack.require("prometheus")
    with pytest.raises(monitoring.PrometheusError, match="bad_data"):
        monitoring.query("sum(rate(http_requests_total[30s])")
    with pytest.raises(monitoring.PrometheusError, match="no tiene una alerta 'NoSuchAlert'"):
        monitoring.alert_state("NoSuchAlert")
    assert monitoring.query("1 + 1") == [monitoring.Sample(labels={}, value=2.0)]


def test_up_is_a_no_op_and_status_shows_memory(localstack):
    result = localstack("up", "prometheus")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "prometheus: ya estaba corriendo" in result.stdout
    status = localstack("status")
    [row] = [line.split() for line in status.stdout.splitlines() if line.startswith("prometheus ")]
    assert row[1] == "corriendo" and row[3] == "9090" and float(row[4]) > 0
