"""La plantilla que copian los estudiantes pasa sus propias pruebas y su lint."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "clase8" / "plantilla"
BIN = Path(sys.executable).parent


def test_template_test_suite_passes():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q"],
        cwd=TEMPLATE,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_template_lint_is_clean():
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run(
            [str(BIN / "ruff"), *args, "--no-cache"], cwd=TEMPLATE, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_template_has_the_promised_files():
    for path in (
        "README.md",
        "pyproject.toml",
        "Makefile",
        "Dockerfile",
        "compose.yml",
        "compose.stack.yml",
        ".env.example",
        ".github/workflows/ci.yml",
        "dags/mi_proyecto_dag.py",
        "docs/arquitectura.md",
    ):
        assert (TEMPLATE / path).is_file(), path


def test_ci_workflow_runs_lint_and_tests():
    workflow = yaml.safe_load((TEMPLATE / ".github/workflows/ci.yml").read_text())
    steps = [s.get("run", "") for s in workflow["jobs"]["test"]["steps"]]
    assert "make lint" in steps and "make test" in steps
    makefile = (TEMPLATE / "Makefile").read_text()
    for target in ("install:", "lint:", "test:", "serve:", "up:"):
        assert target in makefile


def test_template_compose_parses():
    compose = yaml.safe_load((TEMPLATE / "compose.yml").read_text())
    api = compose["services"]["api"]
    assert api["ports"] == ["127.0.0.1:8000:8000"] and "healthcheck" in api
    dockerfile = (TEMPLATE / "Dockerfile").read_text()
    assert '"--factory", "mi_proyecto.app:create_app"' in dockerfile
    assert "APP_ENV=containers" in dockerfile


def test_template_airflow_imports_the_package_by_pythonpath():
    """Con el stack del curso, Airflow monta src/ y dags/ y pone src en su PYTHONPATH."""
    stack = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["airflow"]
    extra = yaml.safe_load((TEMPLATE / "compose.stack.yml").read_text())["services"]
    airflow = extra["airflow"]
    mounts = dict(v.rsplit(":", 2)[:2] for v in airflow["volumes"])
    src = next(target for source, target in mounts.items() if source.endswith("}/src"))
    assert any(source.endswith("}/dags") for source in mounts)
    path = airflow["environment"]["PYTHONPATH"].split(":")
    assert src in path
    assert set(stack["environment"]["PYTHONPATH"].split(":")) <= set(path)  # las clases siguen
    assert extra["api"]["depends_on"]["mlflow"] == {"condition": "service_healthy"}
    dag = (TEMPLATE / "dags" / "mi_proyecto_dag.py").read_text()
    assert "sys.path" not in dag.replace("no toca `sys.path`", "")
