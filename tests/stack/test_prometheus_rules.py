"""Las reglas de Prometheus del curso, probadas con `promtool` (no necesitan el stack).

`promtool test rules` evalúa cada regla sobre series sintéticas (stack/prometheus/tests/*.yml):
cada alerta dispara cuando debe y no dispara cuando no debe, y cada regla de registro da el valor
calculado a mano. `promtool check config` valida prometheus.yml y las reglas que nombra.
promtool sale del caché del stack local; si falta, se compila (hace falta Go: sin Go la prueba
falla con un mensaje claro, nunca se omite).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from coursekit import monitoring
from stack.localstack import prometheus
from stack.localstack.layout import Layout
from stack.localstack.tools import StackError

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "stack" / "prometheus"
RULE_TESTS = sorted((CONFIG / "tests").glob("*.yml"))


@pytest.fixture(scope="module")
def promtool() -> Path:
    try:
        return prometheus.build(Layout.from_env().cache, "promtool")
    except StackError as error:
        pytest.fail(f"Sin promtool no se pueden probar las reglas de Prometheus: {error}")


def run_promtool(promtool: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(promtool), *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_config_is_valid(promtool):
    result = run_promtool(promtool, "check", "config", str(CONFIG / "prometheus.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
    for rules in sorted((CONFIG / "rules").glob("*.yml")):
        assert f"{rules.relative_to(CONFIG)}" in result.stdout + result.stderr


def test_rule_files_are_valid(promtool):
    result = run_promtool(promtool, "check", "rules", *map(str, (CONFIG / "rules").glob("*.yml")))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("rule_test", RULE_TESTS, ids=lambda p: p.name)
def test_rule_unit_tests_pass(promtool, rule_test):
    result = run_promtool(promtool, "test", "rules", str(rule_test))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr


def test_promtool_detects_a_wrong_expectation(promtool, tmp_path):
    """La prueba puede fallar: una expectativa falsa (la alerta no dispara) no pasa."""
    original = yaml.safe_load((CONFIG / "tests" / "http_api_test.yml").read_text())
    original["rule_files"] = [str(CONFIG / "rules" / "http_api.yml")]
    [case] = [t for t in original["tests"] if t["name"].startswith("errors start")]
    case["alert_rule_test"][-1]["exp_alerts"] = []
    broken = tmp_path / "broken_test.yml"
    broken.write_text(yaml.safe_dump({**original, "tests": [case]}, allow_unicode=True))
    result = run_promtool(promtool, "test", "rules", str(broken))
    assert result.returncode != 0
    assert "HighErrorRate" in result.stdout + result.stderr


def test_every_alert_is_tested_firing_and_not_firing():
    rules = [yaml.safe_load(p.read_text()) for p in sorted((CONFIG / "rules").glob("*.yml"))]
    alerts = {
        r["alert"] for doc in rules for g in doc["groups"] for r in g["rules"] if "alert" in r
    }
    assert alerts == {
        "HighErrorRate",
        "LatencyP95OverBudget",
        "ConsumerLagGrowing",
        "FeatureDriftHigh",
    }
    fires, quiet = set(), set()
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                (fires if check["exp_alerts"] else quiet).add(check["alertname"])
    assert fires == alerts, f"sin un caso que dispare: {alerts - fires}"
    assert quiet == alerts, f"sin un caso que no dispare: {alerts - quiet}"


def test_every_recording_rule_is_tested():
    rules = [yaml.safe_load(p.read_text()) for p in sorted((CONFIG / "rules").glob("*.yml"))]
    recorded = {
        r["record"] for doc in rules for g in doc["groups"] for r in g["rules"] if "record" in r
    }
    tested = {
        check["expr"]
        for path in RULE_TESTS
        for case in yaml.safe_load(path.read_text())["tests"]
        for check in case.get("promql_expr_test", [])
    }
    assert recorded <= tested, f"reglas de registro sin prueba: {recorded - tested}"


def test_jobs_of_the_config_are_the_ones_coursekit_registers():
    config = yaml.safe_load((CONFIG / "prometheus.yml").read_text())
    discovered = {
        job["job_name"]: job["file_sd_configs"][0]["files"]
        for job in config["scrape_configs"]
        if "file_sd_configs" in job
    }
    assert tuple(discovered) == monitoring.JOBS
    for job, files in discovered.items():
        assert files == [f"targets/{job}--*.json"], job


def test_short_intervals_for_the_notebooks():
    """Scrape y evaluación cada 2 s y `for:` de 10 s: una alerta pasa a firing en < 30 s."""
    config = yaml.safe_load((CONFIG / "prometheus.yml").read_text())["global"]
    assert config["scrape_interval"] == config["evaluation_interval"] == "2s"
    for path in sorted((CONFIG / "rules").glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                if "alert" in rule:
                    assert rule["for"] == "10s", rule["alert"]
