"""`make doctor` y Prometheus: el servidor (si corre) y promtool (o Go para compilarlo)."""

from __future__ import annotations

import io
import json

from coursekit.dev import doctor


def test_server_version_is_reported_when_it_answers():
    def urlopen(url, timeout):
        assert url == "http://localhost:9090/api/v1/status/buildinfo"
        return io.BytesIO(json.dumps({"data": {"version": "3.16.0"}}).encode())

    [finding] = doctor.check_prometheus_server("http://localhost:9090/", urlopen=urlopen)
    assert finding.level == doctor.OK and "Prometheus 3.16.0 responde" in finding.message


def test_server_down_is_not_a_problem():
    def urlopen(url, timeout):
        raise ConnectionRefusedError(111, "Connection refused")

    [finding] = doctor.check_prometheus_server("http://localhost:9090", urlopen=urlopen)
    assert finding.level == doctor.OK and "omitido" in finding.message


def test_promtool_cached_buildable_or_missing(tmp_path):
    empty = tmp_path / "empty"
    no_go = doctor.check_promtool(empty, which=lambda _: None)
    assert no_go[0].level == doctor.WARN and "Go" in no_go[0].fix
    with_go = doctor.check_promtool(
        empty, which=lambda name: "/usr/bin/go" if name == "go" else None
    )
    assert with_go[0].level == doctor.OK and "go install" in with_go[0].message
    built = tmp_path / "prometheus" / "v0.316.0" / "promtool"
    built.parent.mkdir(parents=True)
    built.touch()
    cached = doctor.check_promtool(tmp_path, which=lambda _: None)
    assert cached[0].level == doctor.OK and str(built) in cached[0].message


def test_doctor_report_includes_prometheus():
    checks = {finding.check for finding in doctor.run_all()}
    assert {"prometheus", "promtool"} <= checks
