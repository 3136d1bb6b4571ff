"""Chequeos del entorno de Python: versión, dependencias fijadas y código generado de protobuf.

Son funciones puras donde se puede (reciben lo que miran), para probarlas provocando cada
problema.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from .findings import FAIL, OK, ROOT, Finding


def check_python(version: tuple[int, int] | None = None) -> list[Finding]:
    major, minor = version or sys.version_info[:2]
    if (major, minor) == (3, 11):
        return [Finding(OK, "python", f"Python {major}.{minor}")]
    return [
        Finding(
            FAIL,
            "python",
            f"Python {major}.{minor}: el libro está fijado para Python 3.11.",
            "Instalar Python 3.11 y recrear el entorno: `rm -rf .venv && make env`.",
        )
    ]


def check_pins(pyproject: Path = ROOT / "pyproject.toml") -> list[Finding]:
    """Las versiones instaladas coinciden con las fijadas en pyproject.toml."""
    project = tomllib.loads(pyproject.read_text())
    pins = project["project"]["dependencies"] + project["dependency-groups"]["dev"]
    wrong = []
    for pin in pins:
        name, _, wanted = re.sub(r"\[.*?\]", "", pin).partition("==")
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "no instalado"
        if installed != wanted:
            wrong.append(f"{name} {installed} (se esperaba {wanted})")
    if not wrong:
        return [Finding(OK, "entorno", f"{len(pins)} dependencias con la versión fijada")]
    return [
        Finding(
            FAIL,
            "entorno",
            "Versiones distintas de las fijadas: " + "; ".join(wrong[:8]),
            "Sincronizar el entorno con el lock: `make env` (o `uv sync --frozen`).",
        )
    ]


def check_protobuf_gencode(paths: list[Path], runtime: str | None = None) -> list[Finding]:
    """El código generado (*_pb2.py) declara la versión de protoc; el runtime debe igualarla
    o superarla dentro de la misma versión mayor."""
    from google.protobuf import __version__ as installed

    runtime = runtime or installed
    rt = tuple(int(x) for x in runtime.split(".")[:3])
    findings = []
    for path in paths:
        match = re.search(r"Protobuf Python Version: (\d+)\.(\d+)\.(\d+)", path.read_text())
        if not match:
            continue
        gen = tuple(int(x) for x in match.groups())
        if gen[0] != rt[0] or gen > rt:
            findings.append(
                Finding(
                    FAIL,
                    "protobuf",
                    f"{path.name} se generó con protobuf {'.'.join(map(str, gen))} y el runtime "
                    f"es {runtime}: al importarlo aparece 'VersionError: Detected mismatched "
                    "Protobuf Gencode/Runtime'.",
                    "Regenerar el código con el grpcio-tools del entorno "
                    "(`python -m grpc_tools.protoc ...`, lo hace el notebook) o `make env`.",
                )
            )
    return findings or [Finding(OK, "protobuf", f"runtime {runtime}; código generado compatible")]
