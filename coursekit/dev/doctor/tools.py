"""Herramientas opcionales: qué parte del curso usa cada una y cómo instalarla en cada sistema.

Ninguna hace falta para `make book` (Python 3.11 y make alcanzan). Si falta alguna, el chequeo
dice para qué sirve y el comando exacto en Debian/Ubuntu, macOS (Homebrew) y Windows (WSL, que
es un Ubuntu: los mismos paquetes con `sudo`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from .findings import OK, WARN, Finding


@dataclass(frozen=True)
class Tool:
    command: str  # lo que se busca en el PATH
    purpose: str  # para qué lo usa el curso
    debian: str  # paquete(s) de apt
    macos: str  # fórmula(s) de Homebrew


OPTIONAL_TOOLS = (
    Tool("java", "Kafka del stack local (Java 17+)", "openjdk-17-jre-headless", "openjdk@17"),
    Tool("go", "compilar MinIO y Prometheus del stack local (Go ≥ 1.26.7)", "golang-go", "go"),
    Tool("redis-server", "Redis del stack local", "redis-server", "redis"),
    Tool("psql", "Postgres del stack local", "postgresql", "postgresql@15"),
    Tool("node", "cliente gRPC en Node.js de la Clase 3 (`make node-deps`)", "nodejs npm", "node"),
    Tool("chromium", "prueba del sitio en un navegador real (`make test`)", "chromium", "chromium"),
    Tool("dot", "volver a dibujar un diagrama editado (Graphviz)", "graphviz", "graphviz"),
)


def install_hint(tool: Tool) -> str:
    return (
        f"Debian/Ubuntu: `sudo apt-get install {tool.debian}` · "
        f"macOS: `brew install {tool.macos}` · "
        f"Windows: en WSL, `sudo apt-get install {tool.debian}`"
    )


def check_optional_tools(which=shutil.which) -> list[Finding]:
    findings = []
    for tool in OPTIONAL_TOOLS:
        if which(tool.command):
            findings.append(Finding(OK, tool.command, f"{tool.command}: {tool.purpose}"))
        else:
            message = f"Falta {tool.command} (opcional): {tool.purpose}."
            findings.append(Finding(WARN, tool.command, message, install_hint(tool)))
    return findings
