"""Dónde deja cada cosa el stack local.

- `.stack/` (en la raíz del repositorio, ignorada por git): `logs/<servicio>.log`,
  `run/<servicio>.pid` y los datos de cada servicio. El formato es el mismo de siempre, así
  `down` detiene también lo que levantó una versión anterior de este paquete.
- `$MLOPS2_CACHE` (por defecto `~/.cache/mlops2`): lo que se descarga o compila una sola vez.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .tools import StackError


@dataclass(frozen=True, kw_only=True)
class Layout:
    """Carpetas del stack local. Se construye con `Layout.from_env()`."""

    root: Path  # raíz del repositorio
    cache: Path  # descargas y compilaciones de una sola vez

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Layout:
        environ = os.environ if environ is None else environ
        default_cache = Path.home() / ".cache" / "mlops2"
        layout = cls(
            root=Path(__file__).resolve().parents[2],
            cache=Path(environ.get("MLOPS2_CACHE") or default_cache),
        )
        layout.check()
        return layout

    def check(self) -> None:
        if not self.cache.is_absolute():
            raise StackError(
                f"MLOPS2_CACHE={self.cache} debe ser una ruta absoluta (los servicios corren "
                "en otras carpetas). Por ejemplo: export MLOPS2_CACHE=$HOME/.cache/mlops2"
            )
        if not (self.root / "stack").is_dir():
            raise StackError(f"{self.root} no parece la raíz del repositorio del libro.")

    @property
    def config(self) -> Path:
        """Archivos de configuración versionados (stack/kafka, stack/postgres, stack/airflow)."""
        return self.root / "stack"

    @property
    def state(self) -> Path:
        return self.root / ".stack"

    @property
    def logs(self) -> Path:
        return self.state / "logs"

    @property
    def run(self) -> Path:
        return self.state / "run"

    def log_file(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def pid_file(self, name: str) -> Path:
        return self.run / f"{name}.pid"

    def make_dirs(self) -> None:
        for folder in (self.state, self.logs, self.run):
            folder.mkdir(parents=True, exist_ok=True)

    def rel(self, path: Path) -> str:
        """Ruta relativa a la raíz del repositorio, para mensajes más cortos."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)
