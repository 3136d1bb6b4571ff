"""Nivel contenedores: el compose del proyecto y su Dockerfile, validados sin Docker.

Combina el archivo del proyecto con el docker-compose.yml del stack como lo hace
`docker compose -f docker-compose.yml -f clase8/proyecto/compose.proyecto.yml` y verifica que
la combinación cumpla la Compose Specification, que cada dependencia exista y quede activada por
los perfiles del comando documentado, y que las direcciones apunten a servicios de la red.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "clase8" / "proyecto"
STACK = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
OVERRIDE_PATH = PROJECT / "compose.proyecto.yml"
OVERRIDE = yaml.safe_load(OVERRIDE_PATH.read_text())
SCHEMA = json.loads((ROOT / "tests" / "stack" / "compose-spec.json").read_text())
DOCUMENTED_PROFILES = {"airflow", "streaming", "proyecto"}


def merge(base: dict, override: dict) -> dict:
    """Combinación simplificada de compose: mapas recursivos, listas de volúmenes sumadas."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        elif isinstance(value, list) and isinstance(merged.get(key), list) and key == "volumes":
            merged[key] = merged[key] + value
        else:
            merged[key] = copy.deepcopy(value)
    return merged


MERGED = merge(STACK, OVERRIDE)


def active(service: dict) -> bool:
    return not service.get("profiles") or bool(set(service["profiles"]) & DOCUMENTED_PROFILES)


def test_override_and_merge_follow_the_compose_spec():
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for document in (OVERRIDE, MERGED):
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]
        assert errors == []


def test_documented_command_matches_the_file():
    header = OVERRIDE_PATH.read_text()
    assert "-f docker-compose.yml -f clase8/proyecto/compose.proyecto.yml" in header
    for profile in DOCUMENTED_PROFILES:
        assert f"--profile {profile}" in header


def test_app_services_and_their_dependencies_are_active():
    for name in ("api", "consumer"):
        service = MERGED["services"][name]
        assert service["profiles"] == ["proyecto"]
        for dep, condition in service["depends_on"].items():
            assert dep in MERGED["services"], f"{name} depende de {dep}, que no existe"
            assert active(MERGED["services"][dep]), f"{dep} no se activa con {DOCUMENTED_PROFILES}"
            if dep in ("mlflow", "kafka"):
                assert condition == {"condition": "service_healthy"}
                assert "healthcheck" in MERGED["services"][dep]


def test_addresses_point_to_services_of_the_network():
    for name in ("api", "consumer"):
        env = MERGED["services"][name]["environment"]
        assert env["APP_ENV"] == "containers"
        host = re.match(r"http://([\w-]+):5000$", env["MLFLOW_TRACKING_URI"])[1]
        assert host in MERGED["services"]
        kafka_host, kafka_port = env["KAFKA_BOOTSTRAP_SERVERS"].split(":")
        assert kafka_host in MERGED["services"]
        assert (
            f"INTERNAL://:{kafka_port}"
            in MERGED["services"]["kafka"]["environment"]["KAFKA_LISTENERS"]
        )
    assert "localhost" not in json.dumps(OVERRIDE["services"]["api"]["environment"])


def test_airflow_sees_the_project_package():
    """El stack monta clase8/proyecto y la pone en el PYTHONPATH de Airflow: el DAG no toca
    sys.path y este archivo no necesita cambiar el servicio airflow."""
    assert "airflow" not in OVERRIDE["services"]
    airflow = MERGED["services"]["airflow"]
    mounts = {v.split(":")[0]: v.split(":")[1] for v in airflow["volumes"] if v.startswith("./")}
    assert mounts["./clase8/proyecto"] in airflow["environment"]["PYTHONPATH"].split(":")
    assert mounts["./clase8/hands-on/dags"] == "/opt/airflow/dags/clase8"
    assert (ROOT / "clase8" / "proyecto" / "proyecto_ref" / "__init__.py").exists()


def test_ports_only_on_localhost():
    for name in ("api",):
        for entry in MERGED["services"][name]["ports"]:
            assert entry.startswith("127.0.0.1:")


def test_image_pins_match_the_book_environment():
    book = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = {re.split(r"[\[=]", d)[0].lower(): d.split("==")[1] for d in book}
    lines = (PROJECT / "requirements.txt").read_text().splitlines()
    image = [line for line in lines if line and not line.startswith("#")]
    assert image
    for requirement in image:
        name, version = re.split(r"(?:\[[^\]]*\])?==", requirement)
        assert pins.get(name.lower()) == version, f"{requirement} no coincide con el libro"


def test_dockerfile_basics():
    dockerfile = (PROJECT / "Dockerfile").read_text()
    base = re.search(r"^FROM (\S+)", dockerfile, re.M)[1]
    assert re.fullmatch(r"python:3\.11[\w.-]*", base), "imagen base con versión fija"
    assert "COPY requirements.txt" in dockerfile and "COPY proyecto_ref" in dockerfile
    assert dockerfile.index("COPY requirements.txt") < dockerfile.index("COPY proyecto_ref")
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M), "no corre como root"
    assert "HEALTHCHECK" in dockerfile
    assert '"--factory", "proyecto_ref.app:create_app"' in dockerfile
    for name, command in (("api", "proyecto_ref.app:create_app"), ("consumer", "consume")):
        assert command in OVERRIDE["services"][name]["command"]
