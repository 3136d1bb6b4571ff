"""Configuración del servicio: se lee del entorno una vez, al armar la app, y se valida.

| variable | por defecto | qué es |
|---|---|---|
| `MODEL_PATH` | `artifacts/iris_rf.joblib` (junto a `iris_train.py`) | el modelo a servir |
| `APP_ENV` | `development` | `production` activa las comprobaciones de producción |

Nada se lee al importar: `Settings.from_env()` lo hace cuando se llama (en `create_app()`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEV_MODEL_PATH = Path(__file__).resolve().parent.parent / "artifacts" / "iris_rf.joblib"
ENVIRONMENTS = ("development", "production")


@dataclass(frozen=True)
class Settings:
    model_path: Path | None = None  # None: el modelo de desarrollo (DEV_MODEL_PATH)
    env: str = "development"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Lee `MODEL_PATH` y `APP_ENV` (de `os.environ` si no se pasa otro diccionario)."""
        environ = os.environ if environ is None else environ
        model_path = environ.get("MODEL_PATH")
        settings = cls(
            model_path=Path(model_path) if model_path else None,
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
        if self.env == "production" and self.model_path is None:
            raise ValueError(
                "APP_ENV=production exige MODEL_PATH con la ruta del modelo a servir "
                "(el de artifacts/ junto al código es solo para desarrollo)"
            )

    @property
    def model_file(self) -> Path:
        """El archivo del modelo que se va a cargar."""
        return self.model_path or DEV_MODEL_PATH
