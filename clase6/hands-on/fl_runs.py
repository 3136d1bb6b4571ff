"""Corridas de la Flower App de la Clase 6 con la CLI `flwr`.

`flwr run <carpeta> <conexión>` empaqueta la app de la carpeta (un FAB, con los archivos que
lista `fab-include` en su `pyproject.toml`) y la envía al SuperLink por la Control API;
`--run-config` sobrescribe los valores de `[tool.flwr.app.config]` sin tocar el código. La
conexión se busca por nombre en `$FLWR_HOME/config.toml` (la escribe
`fl_federation.LocalFederation`).

Este archivo solo habla con la CLI: enviar una corrida, esperar a que termine, leer el
historial que escribió el ServerApp y listar los SuperNodes en línea.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent  # aquí están pyproject.toml y los *_app.py
BIN = Path(os.path.abspath(sys.executable)).parent  # flwr, flower-superlink… del entorno
NO_FORCED_COLOR = ("FORCE_COLOR", "CLICOLOR_FORCE")


def toml_value(value: object) -> str:
    """Valor de `--run-config` / `--node-config` con la sintaxis TOML que espera Flower."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value))  # cadena entre comillas dobles


def config_arg(values: Mapping[str, object]) -> str:
    """{"a": 1, "b": "x"} → 'a=1 b="x"'."""
    return " ".join(f"{key}={toml_value(value)}" for key, value in values.items())


def cli_env(flower_env: Mapping[str, str]) -> dict[str, str]:
    """Entorno para la CLI `flwr`: el de este proceso más `flower_env`, sin colores forzados
    (Jupyter define FORCE_COLOR y la CLI colorearía también su salida JSON)."""
    inherited = {k: v for k, v in os.environ.items() if k not in NO_FORCED_COLOR}
    return {**inherited, **flower_env, "NO_COLOR": "1"}


def flwr(*args: str, env: Mapping[str, str], timeout: float = 60.0) -> subprocess.CompletedProcess:
    """Ejecuta la CLI `flwr` y devuelve su salida (sin lanzar excepción si falla)."""
    return subprocess.run(
        [str(BIN / "flwr"), *args],
        env=cli_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def online_nodes(env: Mapping[str, str], connection: str = "local") -> list[dict]:
    """Los SuperNodes que el SuperLink ve en línea (`flwr supernode ls`)."""
    result = flwr("supernode", "ls", connection, "--format", "json", env=env)
    try:  # la salida JSON puede venir precedida de avisos de la CLI
        answer = json.loads(result.stdout[result.stdout.index("{") :])
    except ValueError:
        return []
    return [n for n in answer.get("nodes", []) if n.get("status") == "online"]


@dataclass
class SubmittedRun:
    """Una corrida enviada con `flwr run` que todavía puede estar en curso."""

    process: subprocess.Popen
    results: Path
    log_path: Path


def submit_run(
    run_config: Mapping[str, object],
    *,
    env: Mapping[str, str],
    results: Path,
    log_path: Path,
    connection: str = "local",
    app_dir: Path = APP_DIR,
) -> SubmittedRun:
    """Lanza `flwr run … --stream` sin esperar: el proceso queda conectado a su corrida hasta
    que el ServerApp termina (bien o mal). El ServerApp escribe el historial en `results`."""
    results.unlink(missing_ok=True)
    config = {**run_config, "results-path": str(results)}
    # fmt: off
    args = [
        str(BIN / "flwr"), "run", str(app_dir), connection,
        "--run-config", config_arg(config),
        "--stream",  # quedarse hasta que termine la corrida, recibiendo sus logs
    ]
    # fmt: on
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            args, env=cli_env(env), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    return SubmittedRun(process, results, log_path)


def wait_run(run: SubmittedRun, timeout: float = 600.0) -> dict:
    """Espera a que termine una corrida enviada con `submit_run` y devuelve su historial."""
    try:
        code = run.process.wait(timeout=max(1.0, timeout))
    except subprocess.TimeoutExpired:
        run.process.kill()
        run.process.wait()
        code = None
    if code != 0 or not run.results.exists():
        tail = "\n".join(run.log_path.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(
            f"`flwr run` terminó con código {code} y sin {run.results.name};"
            f" últimas líneas de {run.log_path}:\n{tail}"
        )
    history = read_history(run.results)
    history["log"] = str(run.log_path)
    return history


def read_history(path: Path) -> dict:
    """El historial JSON que escribe el ServerApp, con las rondas otra vez como enteros."""
    history = json.loads(path.read_text())
    for section in ("server", "train", "evaluate", "round-seconds"):  # JSON: claves de texto
        history[section] = {int(r): m for r, m in history.get(section, {}).items()}
    return history
