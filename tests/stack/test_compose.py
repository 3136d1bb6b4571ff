"""docker-compose.yml: válido según la Compose Specification y coherente con coursekit/stack.py.

El esquema (tests/stack/compose-spec.json, licencia Apache-2.0 en compose-spec.LICENSE) viene
de check-jsonschema 0.39.0 en PyPI (check_jsonschema/builtin_schemas/vendor/compose-spec.json):
la prueba no necesita red.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from coursekit import stack

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
SCHEMA = json.loads((Path(__file__).parent / "compose-spec.json").read_text())
ONE_SHOT = {"minio-init"}  # tareas de una sola vez: sin healthcheck ni puertos


def schema_errors(document: dict) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]


def published_ports(service: dict) -> dict[int, str]:
    """{puerto del host: IP donde se publica} a partir de entradas "IP:host:contenedor"."""
    ports = {}
    for entry in service.get("ports", []):
        ip, host, _container = str(entry).split(":")
        ports[int(host)] = ip
    return ports


def test_compose_follows_the_specification():
    assert schema_errors(COMPOSE) == []


def test_schema_detects_errors():
    broken = copy.deepcopy(COMPOSE)
    broken["services"]["redis"]["healthcheck"]["intervalo"] = "5s"
    assert schema_errors(broken), "el esquema debería rechazar una clave desconocida"


def test_no_version_key_and_named_volumes():
    assert "version" not in COMPOSE
    declared = set(COMPOSE["volumes"])
    for name, service in COMPOSE["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith("."):
                assert source in declared, f"{name}: volumen sin declarar {source}"


def test_services_ports_and_profiles_match_the_table():
    services = COMPOSE["services"]
    assert set(services) - ONE_SHOT == set(stack.SERVICES)
    for name, service in stack.SERVICES.items():
        ports = published_ports(services[name])
        assert sorted(ports) == sorted(service.ports.values()), name
        assert set(ports.values()) == {"127.0.0.1"}, f"{name}: publicar solo en 127.0.0.1"
        assert tuple(services[name]["profiles"]) == service.profiles, name


def test_dependencies_match_the_table_and_wait_for_healthcheck():
    for name, service in stack.SERVICES.items():
        depends = COMPOSE["services"][name].get("depends_on", {})
        assert set(depends) - ONE_SHOT == set(service.depends_on), name
        for dep, spec in depends.items():
            expected = "service_completed_successfully" if dep in ONE_SHOT else "service_healthy"
            assert spec["condition"] == expected, f"{name} -> {dep}"


@pytest.mark.parametrize("name", sorted(stack.SERVICES))
def test_pinned_image_and_healthcheck(name):
    service = COMPOSE["services"][name]
    assert "healthcheck" in service, f"{name} sin healthcheck"
    image = service["image"]
    tag = image.rsplit(":", 1)[-1]
    assert ":" in image and tag != "latest" and re.search(r"\d", tag), f"{name}: {image}"


def test_dockerfiles_have_pinned_base_image():
    for name, service in COMPOSE["services"].items():
        if "build" in service:
            build = service["build"]
            dockerfile = (ROOT / build["context"] / build["dockerfile"]).read_text()
            base = re.search(r"^FROM (\S+)", dockerfile, re.MULTILINE)[1]
            assert re.search(r":\S*\d", base), f"{name}: imagen base sin versión ({base})"


def test_defaults_match_the_table():
    found = re.findall(r"\$\{(\w+):-([^}]*)\}", COMPOSE_TEXT)
    assert found, "docker-compose.yml debería usar ${VAR:-defecto}"
    for var, default in found:
        assert var in stack.DEFAULTS, f"{var} no está en coursekit/stack.py"
        assert default == stack.DEFAULTS[var], var


def test_env_example_has_exactly_the_table_variables():
    lines = (ROOT / ".env.example").read_text().splitlines()
    pairs = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    assert pairs == stack.DEFAULTS


def test_minio_init_creates_the_table_buckets():
    command = " ".join(COMPOSE["services"]["minio-init"]["entrypoint"])
    for bucket in stack.BUCKETS:
        assert f"course/{bucket}" in command


def test_local_kafka_uses_the_table_ports():
    properties = (ROOT / "stack/kafka/server.properties").read_text()
    broker, controller = stack.SERVICES["kafka"].ports.values()
    assert f"PLAINTEXT://localhost:{broker}" in properties
    assert f"CONTROLLER://localhost:{controller}" in properties
    assert f"localhost:{broker}" == stack.DEFAULTS["KAFKA_BOOTSTRAP_SERVERS"]


def test_prometheus_mounts_the_local_config_and_reaches_the_host():
    from stack.localstack.prometheus import PROMETHEUS_VERSION

    service = COMPOSE["services"]["prometheus"]
    # El módulo v0.3XX.Y es Prometheus 3.XX.Y: la imagen y el modo local, la misma versión.
    minor, patch = re.fullmatch(r"v0\.3(\d+)\.(\d+)", PROMETHEUS_VERSION).groups()
    assert service["image"] == f"prom/prometheus:v3.{int(minor)}.{patch}"
    assert "host.docker.internal:host-gateway" in service["extra_hosts"]
    mounts = {v.split(":")[0]: v.split(":")[1:] for v in service["volumes"]}
    assert mounts["./stack/prometheus/prometheus.yml"] == ["/etc/prometheus/prometheus.yml", "ro"]
    assert mounts["./stack/prometheus/rules"] == ["/etc/prometheus/rules", "ro"]
    assert mounts["./.stack/prometheus/targets"] == ["/etc/prometheus/targets", "ro"]
    assert "--config.file=/etc/prometheus/prometheus.yml" in service["command"]
    assert "http://localhost:9090/-/ready" in service["healthcheck"]["test"]
