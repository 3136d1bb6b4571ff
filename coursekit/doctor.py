"""Chequeo previo del entorno del curso (`make doctor`).

Cada chequeo devuelve una lista de `Finding`: qué pasa, por qué y el comando exacto que lo
arregla. Se puede correr desde una celda de notebook:

    from coursekit import doctor
    doctor.main()
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tomllib
import urllib.request
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
OK, WARN, FAIL = "ok", "aviso", "error"


@dataclass(frozen=True)
class Finding:
    level: str  # ok | aviso | error
    check: str
    message: str
    fix: str = ""


# --------------------------------------------------------------------------------------
# Chequeos (funciones puras donde se puede, para poder probarlas provocando cada problema)
# --------------------------------------------------------------------------------------
def check_python(version: tuple[int, int] = sys.version_info[:2]) -> list[Finding]:
    if version == (3, 11):
        return [Finding(OK, "python", f"Python {version[0]}.{version[1]}")]
    return [
        Finding(
            FAIL,
            "python",
            f"Python {version[0]}.{version[1]}: el libro está fijado para Python 3.11.",
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


def check_ports(ports: dict[int, str], stack_pids: set[int] | None = None) -> list[Finding]:
    """Puertos del stack ocupados por procesos que NO son del stack."""
    stack_pids = stack_pids or set()
    owners: dict[int, str] = {}
    for conn in psutil.net_connections("tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port in ports:
            if conn.pid in stack_pids:
                continue
            try:
                owner = psutil.Process(conn.pid).name() if conn.pid else "desconocido"
            except psutil.Error:
                owner = "desconocido"
            owners[conn.laddr.port] = f"{owner} (pid {conn.pid})"
    if not owners:
        return [Finding(OK, "puertos", "puertos del stack libres (o usados por el propio stack)")]
    return [
        Finding(
            WARN,
            "puertos",
            f"El puerto {port} ({ports[port]}) está ocupado por {owner}.",
            f"Ver quién lo usa con `ss -ltnp 'sport = :{port}'` y detenerlo, o detener el "
            "stack anterior con `make stack-down` / `docker compose down`.",
        )
        for port, owner in sorted(owners.items())
    ]


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


def check_local_tools(which=shutil.which, run=subprocess.run) -> list[Finding]:
    """Java 17+ (Kafka) y Go (servidor S3) para el modo local sin Docker."""
    findings = []
    java = which("java")
    if java is None:
        findings.append(
            Finding(
                WARN,
                "java",
                "Falta Java: el modo local lo necesita para Kafka.",
                "`apt-get install openjdk-17-jre-headless` (o `brew install openjdk@17`).",
            )
        )
    else:
        out = run([java, "-version"], capture_output=True, text=True).stderr
        match = re.search(r'version "(\d+)', out)
        major = int(match.group(1)) if match else 0
        level = OK if major >= 17 else WARN
        findings.append(
            Finding(
                level,
                "java",
                f"Java {major}",
                "" if level == OK else "Kafka 4 necesita Java 17 o más nuevo.",
            )
        )
    if which("go") is None:
        findings.append(
            Finding(
                WARN,
                "go",
                "Falta Go: el modo local lo usa para compilar el servidor S3 (MinIO).",
                "Instalar Go ≥ 1.24 (https://go.dev/doc/install) o usar Docker.",
            )
        )
    else:
        findings.append(Finding(OK, "go", "Go disponible"))
    return findings


def check_architecture(machine: str = platform.machine()) -> list[Finding]:
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


def check_mlflow_server(tracking_uri: str, client_version: str | None = None) -> list[Finding]:
    if not tracking_uri.startswith("http"):
        return [
            Finding(OK, "mlflow", f"MLflow local ({tracking_uri}): no hay servidor que comparar")
        ]
    client_version = client_version or metadata.version("mlflow")
    try:
        with urllib.request.urlopen(tracking_uri.rstrip("/") + "/version", timeout=2) as response:
            server_version = response.read().decode().strip()
    except OSError:
        return [Finding(OK, "mlflow", f"servidor MLflow no disponible en {tracking_uri} (omitido)")]
    if server_version.split(".")[:2] == client_version.split(".")[:2]:
        return [Finding(OK, "mlflow", f"cliente {client_version} y servidor {server_version}")]
    return [
        Finding(
            FAIL,
            "mlflow",
            f"Cliente MLflow {client_version} y servidor {server_version}: versiones distintas "
            "causan errores como 'INVALID_PARAMETER_VALUE' o endpoints 404.",
            f"Usar la misma versión en los dos lados: fijar la imagen/servidor a {client_version} "
            "o `make env` para el cliente.",
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


# --------------------------------------------------------------------------------------
def run_all() -> list[Finding]:
    from coursekit import stack

    ports = {port: name for name, s in stack.SERVICES.items() for port in s.ports.values()}
    scripts = [ROOT / "Makefile", ROOT / ".ci" / "run", *ROOT.glob("stack/**/*.sh")]
    return [
        *check_python(),
        *check_pins(),
        *check_ports(ports, stack_pids=_stack_pids()),
        *check_docker(),
        *check_local_tools(),
        *check_architecture(),
        *check_crlf(scripts),
        *check_mlflow_server(stack.env("MLFLOW_TRACKING_URI")),
        *check_protobuf_gencode(sorted(ROOT.glob("clase*/hands-on/**/*_pb2.py"))),
    ]


def _stack_pids() -> set[int]:
    """PIDs del stack local (cada servicio corre en su propio grupo de procesos), para no
    reportar como conflicto los puertos que ocupa el propio stack."""
    groups = set()
    for pid_file in (ROOT / ".stack").glob("**/*.pid"):
        try:
            groups.add(int(pid_file.read_text().split()[0]))
        except (ValueError, IndexError):
            continue
    pids = set()
    for proc in psutil.process_iter(["pid"]):
        try:
            if os.getpgid(proc.pid) in groups:
                pids.add(proc.pid)
        except OSError:
            continue
    return pids


def main() -> int:
    findings = run_all()
    symbols = {OK: "✔", WARN: "!", FAIL: "✘"}
    for f in findings:
        print(f"{symbols[f.level]} {f.check:12} {f.message}")
        if f.fix:
            print(f"  {'':12} → {f.fix}")
    errors = sum(f.level == FAIL for f in findings)
    warnings = sum(f.level == WARN for f in findings)
    print(f"\n{errors} error(es), {warnings} aviso(s).")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
