"""Los archivos de Compose, cargados por compose-go: el mismo cargador que `docker compose`.

El esquema JSON (tests/stack/test_compose.py) no ve interpolación de variables, perfiles ni
`depends_on` hacia servicios inexistentes; el cargador real sí. `stack/compose_check/` es un
programa Go de pocas líneas sobre github.com/compose-spec/compose-go/v2; se compila una vez
en el caché (`$MLOPS2_CACHE`) y carga cada perfil y el override de la Clase 8. No necesita un
motor de Docker (`make test-compose` levanta los contenedores donde lo hay).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from coursekit import stack

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "stack" / "compose_check"
COMPOSE = ROOT / "docker-compose.yml"
PROJECT_OVERRIDE = ROOT / "clase8" / "proyecto" / "compose.proyecto.yml"
PROFILES = sorted({p for s in stack.SERVICES.values() for p in s.profiles})


@pytest.fixture(scope="module")
def compose_check() -> Path:
    go = shutil.which("go") or "/usr/local/go/bin/go"
    if not Path(go).exists():
        pytest.fail("Falta Go (>= 1.24) para compilar stack/compose_check: ver book/setup.md")
    digest = hashlib.sha256(
        b"".join((SOURCE / name).read_bytes() for name in ("main.go", "go.mod", "go.sum"))
    ).hexdigest()[:12]
    cache = Path(os.environ.get("MLOPS2_CACHE") or Path.home() / ".cache" / "mlops2")
    binary = cache / f"compose_check-{digest}"
    if not binary.exists():
        cache.mkdir(parents=True, exist_ok=True)
        build = [go, "build", "-o", str(binary), "."]
        subprocess.run(build, cwd=SOURCE, check=True, timeout=600)
    return binary


def load(binary: Path, *files: Path, profile: str = "*") -> dict:
    result = subprocess.run(
        [str(binary), "-profile", profile, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("profile", PROFILES)
def test_each_profile_loads_with_the_services_of_the_table(compose_check, profile):
    project = load(compose_check, COMPOSE, profile=profile)
    expected = {name for name, s in stack.SERVICES.items() if profile in s.profiles}
    assert expected <= set(project["names"]), f"perfil {profile}: {project['names']}"


def test_all_profiles_and_dependencies_match_the_table(compose_check):
    services = load(compose_check, COMPOSE)["services"]
    for name, service in stack.SERVICES.items():
        in_compose = set(services[name]["depends_on"]) & set(stack.SERVICES)  # sin minio-init
        assert in_compose == set(service.depends_on), f"{name}: {in_compose} en compose"


def test_class8_override_combines_with_the_stack(compose_check):
    names = load(compose_check, COMPOSE, PROJECT_OVERRIDE)["names"]
    assert {"api", "consumer"} <= set(names) and "kafka" in names


def test_the_loader_rejects_a_broken_file(compose_check, tmp_path):
    """La prueba puede fallar: un depends_on a un servicio inexistente no pasa."""
    broken = tmp_path / "compose.yml"
    broken.write_text("services:\n  api:\n    image: x\n    depends_on: [base]\n")
    result = subprocess.run([str(compose_check), str(broken)], capture_output=True, text=True)
    assert result.returncode != 0 and "undefined service" in result.stderr
