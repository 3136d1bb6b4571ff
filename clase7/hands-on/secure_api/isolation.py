"""Inferencia aislada: cargar y predecir en un proceso hijo con límites de memoria, CPU y tiempo.

Un artefacto no confiable (o un pedido patológico) puede agotar la memoria, quedarse con la CPU o
bloquearse. Si eso pasa dentro del servicio, cae el servicio; si pasa en un proceso hijo con
límites, cae solo el hijo y el servicio responde un error claro. Tres topes, porque cada uno cubre
un caso distinto:

| tope | quién lo aplica | qué corta |
|---|---|---|
| memoria (`RLIMIT_AS`) | el núcleo, en el hijo (`worker.py`) | reservar más que el presupuesto |
| CPU (`RLIMIT_CPU`) | el núcleo, en el hijo (`SIGXCPU`) | un cálculo que no termina |
| tiempo de reloj | este proceso (`communicate(timeout=...)`) | un hijo que espera sin usar CPU |

El hijo corre en su propia sesión (`start_new_session=True`): al vencer el tiempo se mata su grupo
de procesos entero, y no queda nada corriendo; y recibe un entorno mínimo, sin los secretos del
servicio (`child_environment`). El aislamiento limita **recursos**; el código de un
artefacto malicioso igual se ejecuta en el hijo. Para que además no pueda leer credenciales ni abrir
conexiones hacen falta un usuario sin privilegios, un sistema de archivos de solo lectura y una red
cerrada (contenedores, *namespaces*): ver la teoría de infraestructura.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .worker import EXIT_MEMORY

PACKAGE_PARENT = Path(__file__).resolve().parents[1]  # para que el hijo encuentre `secure_api`


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 256  # memoria adicional a la del arranque del intérprete
    cpu_s: int = 2  # segundos de CPU adicionales a los del arranque
    timeout_s: float = 30.0  # tiempo de reloj total, arranque incluido


class IsolationError(RuntimeError):
    """El hijo no terminó bien; `reason` es "memoria", "cpu", "tiempo" o "error"."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


def run_isolated(model_path: Path, instances: list, limits: Limits = Limits()) -> dict:
    """Predice `instances` con el modelo de `model_path` en un proceso hijo con `limits`."""
    command = [sys.executable, "-m", "secure_api.worker"]
    command += ["--memory-mb", str(limits.memory_mb), "--cpu-s", str(limits.cpu_s)]
    request = json.dumps({"model_path": str(model_path), "instances": instances}).encode()
    child = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=PACKAGE_PARENT,
        env=child_environment(),  # sin los secretos del servicio
        start_new_session=True,  # su propio grupo de procesos, para matarlo entero
    )
    try:
        out, err = child.communicate(request, timeout=limits.timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()  # recoge al hijo: no queda un proceso zombi
        raise IsolationError("tiempo", f"superó {limits.timeout_s} s de reloj") from None
    return answer_or_error(child.returncode, out, err, limits)


def child_environment() -> dict[str, str]:
    """El entorno mínimo del hijo: no hereda secretos ni credenciales del servicio."""
    return {"PATH": os.environ.get("PATH", ""), "OPENBLAS_NUM_THREADS": "1"}


def answer_or_error(returncode: int, out: bytes, err: bytes, limits: Limits) -> dict:
    """Traduce cómo terminó el hijo: su respuesta, o un `IsolationError` con el motivo."""
    if returncode == 0:
        return json.loads(out)
    if returncode == EXIT_MEMORY:
        raise IsolationError("memoria", f"superó {limits.memory_mb} MB adicionales")
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise IsolationError("cpu", f"superó {limits.cpu_s} s de CPU")
    last_line = err.decode(errors="replace").strip().splitlines()[-1:] or ["sin mensaje"]
    raise IsolationError("error", f"el proceso terminó con código {returncode}: {last_line[0]}")
