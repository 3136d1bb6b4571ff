"""Configuración del servidor gRPC: se lee del entorno cuando se pide, y se valida.

| variable | por defecto | qué es |
|---|---|---|
| `MODEL_PATH` | (ninguno: entrena el modelo al arrancar) | paquete joblib de `iris_model.py` |
| `APP_ENV` | `development` | `production` exige `MODEL_PATH` y apaga la reflexión |

Nada se lee al importar: `Settings.from_env()` lo hace cuando lo llama la línea de comandos.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENVIRONMENTS = ("development", "production")


@dataclass(frozen=True)
class Settings:
    model_path: Path | None = None
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

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def reflection(self) -> bool:
        """La reflexión publica el contrato completo: útil en desarrollo, no en producción."""
        return not self.production

    def check(self) -> None:
        """Falla al arrancar, con un mensaje claro, en vez de servir mal configurado."""
        if self.env not in ENVIRONMENTS:
            raise ValueError(
                f"APP_ENV={self.env!r} no es válido: usar 'development' o 'production'"
            )
        if self.production and self.model_path is None:
            raise ValueError(
                "APP_ENV=production exige MODEL_PATH (o --model) con el modelo a servir: "
                "entrenar al arrancar es solo para desarrollo"
            )
        if self.model_path is not None and not self.model_path.is_file():
            raise ValueError(
                f"MODEL_PATH={self.model_path} no existe: crearlo con "
                f"`python iris_model.py --output {self.model_path}`"
            )
