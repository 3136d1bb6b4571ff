"""Configuración del servicio: se lee del entorno cuando se pide, y se valida.

| variable | por defecto | qué es |
|---|---|---|
| `MODEL_PATH` | `artifacts/iris_service/iris.joblib` (junto al código) | el paquete a servir |
| `APP_ENV` | `development` | `production` exige un `MODEL_PATH` explícito |

Nada se lee al importar: `Settings.from_env()` lo hace cuando lo llama `create_app()`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

HANDS_ON = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_PATH = HANDS_ON / "artifacts" / "iris_service" / "iris.joblib"
ENVIRONMENTS = ("development", "production")


@dataclass(frozen=True)
class Settings:
    model_path: Path = DEFAULT_MODEL_PATH
    env: str = "development"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Lee `MODEL_PATH` y `APP_ENV` (de `os.environ` si no se pasa otro diccionario)."""
        environ = os.environ if environ is None else environ
        settings = cls(
            model_path=Path(environ.get("MODEL_PATH", DEFAULT_MODEL_PATH)),
            env=environ.get("APP_ENV", "development"),
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Falla al arrancar, con un mensaje claro, en vez de servir mal configurado."""
        if self.env not in ENVIRONMENTS:
            raise ValueError(
                f"APP_ENV={self.env!r} no es válido: usar 'development' o 'production'"
            )
        if self.env == "production" and self.model_path == DEFAULT_MODEL_PATH:
            raise ValueError(
                "APP_ENV=production exige MODEL_PATH con la ruta del modelo a servir "
                "(artifacts/ junto al código es solo para desarrollo)"
            )
        if not self.model_path.is_file():
            raise ValueError(
                f"MODEL_PATH={self.model_path} no existe: crearlo con "
                f"`python -m iris_service train --output {self.model_path}`"
            )
