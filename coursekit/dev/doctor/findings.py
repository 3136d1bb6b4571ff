"""Lo que devuelve cada chequeo: nivel, tema, qué pasa y cómo arreglarlo."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # raíz del repositorio
OK, WARN, FAIL = "ok", "aviso", "error"


@dataclass(frozen=True)
class Finding:
    level: str  # ok | aviso | error
    check: str
    message: str
    fix: str = ""
