"""`python -m stack.localstack`: lo que la CLI responde sin tocar ningún servicio."""

from __future__ import annotations

from coursekit import stack


def test_env_prints_every_stack_variable_as_export(localstack):
    result = localstack("env")
    assert result.returncode == 0, result.stderr
    exported = dict(
        line.removeprefix("export ").split("=", 1) for line in result.stdout.split("\n") if line
    )
    assert exported.keys() == stack.DEFAULTS.keys()


def test_unknown_service_fails_before_starting_anything(localstack):
    result = localstack("up", "zookeeper")
    assert result.returncode == 1
    assert result.stdout.startswith("ERROR: Servicio desconocido: zookeeper. Son: kafka, redis")


def test_help_lists_the_commands(localstack):
    result = localstack("--help")
    assert result.returncode == 0
    assert "python -m stack.localstack" in result.stdout
    assert "{up,down,status,env,airflow}" in result.stdout


def test_down_accepts_service_names_and_rejects_unknown_ones(localstack):
    result = localstack("down", "--help")
    assert result.returncode == 0 and "servicio" in result.stdout
    result = localstack("down", "zookeeper")  # falla antes de detener nada
    assert result.returncode == 1
    assert result.stdout.startswith("ERROR: Servicio desconocido: zookeeper.")
