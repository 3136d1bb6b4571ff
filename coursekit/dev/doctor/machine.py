"""Chequeos de la máquina: Docker, Java y Go para el modo local, CPU y finales de línea.

Las funciones reciben `which` y `run` (por defecto shutil.which y subprocess.run) para que las
pruebas simulen una máquina sin Docker, con el daemon caído o con un Java viejo.
"""

from __future__ import annotations

import json
import platform
import re
import shutil
import subprocess
from pathlib import Path

from .findings import FAIL, OK, ROOT, WARN, Finding


def check_docker(which=shutil.which, run=subprocess.run, min_gib: float = 6.0) -> list[Finding]:
    if which("docker") is None:
        return [Finding(OK, "docker", "Docker no instalado: usar el modo local (`make stack-up`).")]
    info = run(["docker", "info", "--format", "{{json .}}"], capture_output=True, text=True)
    if info.returncode != 0:
        return [
            Finding(
                WARN,
                "docker",
                "Está el cliente de Docker pero no responde el motor (daemon).",
                "Iniciar Docker Desktop o `sudo systemctl start docker`; o usar `make stack-up`.",
            )
        ]
    mem_gib = json.loads(info.stdout).get("MemTotal", 0) / 2**30
    if mem_gib < min_gib:
        return [
            Finding(
                WARN,
                "docker",
                f"Docker tiene {mem_gib:.1f} GiB de memoria; el stack completo pide ~{min_gib:g}.",
                "Docker Desktop → Settings → Resources → Memory: subir a 6–8 GiB, o levantar "
                "solo el perfil necesario (`docker compose --profile streaming up -d`).",
            )
        ]
    return [Finding(OK, "docker", f"Docker responde con {mem_gib:.1f} GiB de memoria")]


def check_java(which=shutil.which, run=subprocess.run) -> Finding:
    """Java 17+ para Kafka en modo local."""
    java = which("java")
    if java is None:
        return Finding(
            WARN,
            "java",
            "Falta Java: el modo local lo necesita para Kafka.",
            "`apt-get install openjdk-17-jre-headless` (o `brew install openjdk@17`).",
        )
    out = run([java, "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)', out)
    major = int(match.group(1)) if match else 0
    if major >= 17:
        return Finding(OK, "java", f"Java {major}")
    return Finding(WARN, "java", f"Java {major}", "Kafka 4 necesita Java 17 o más nuevo.")


def check_local_tools(which=shutil.which, run=subprocess.run) -> list[Finding]:
    """Java 17+ (Kafka) y Go (servidor S3 y Prometheus) para el modo local sin Docker."""
    if which("go") is None:
        go = Finding(
            WARN,
            "go",
            "Falta Go: el modo local lo usa para compilar el servidor S3 (MinIO) y Prometheus.",
            "Instalar Go ≥ 1.26.7 (https://go.dev/doc/install) o usar Docker.",
        )
    else:
        go = Finding(OK, "go", "Go disponible")
    return [check_java(which, run), go]


def check_architecture(machine: str | None = None) -> list[Finding]:
    machine = machine or platform.machine()
    if machine.lower() in ("arm64", "aarch64"):
        return [
            Finding(
                WARN,
                "arquitectura",
                f"CPU {machine} (Apple Silicon/ARM): alguna imagen puede no tener variante arm64.",
                "Si `docker compose up` dice 'no matching manifest for linux/arm64', agregar "
                "`platform: linux/amd64` a ese servicio (emulado, más lento) o usar "
                "`make stack-up`.",
            )
        ]
    return [Finding(OK, "arquitectura", f"CPU {machine}")]


def check_crlf(paths: list[Path]) -> list[Finding]:
    bad = [p for p in paths if p.is_file() and b"\r\n" in p.read_bytes()]
    if not bad:
        return [Finding(OK, "crlf", f"{len(paths)} scripts con finales de línea Unix")]
    names = ", ".join(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in bad)
    return [
        Finding(
            FAIL,
            "crlf",
            f"Finales de línea de Windows (CRLF) en: {names}. Bash falla con '$'\\r': "
            "command not found'.",
            "`git config --global core.autocrlf input` y volver a clonar, o "
            f"`sed -i 's/\\r$//' {names.split(', ')[0]}`.",
        )
    ]
