"""Configuración por entorno: todo lo que cambia entre máquinas viene de variables de entorno.

`APP_ENV` (el mismo nombre en todo el curso): `development` (por defecto), `containers` o
`production`, que se niega a arrancar con la clave de desarrollo.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEV_API_KEY = "dev-clave-cambiar"  # valor de desarrollo, documentado en .env.example
ENVIRONMENTS = ("development", "containers", "production")


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    mlflow_tracking_uri: str = "http://localhost:5000"
    model_name: str = "mi-modelo"
    # URI del modelo que sirve la API: un alias del registro o, para pruebas, un archivo local.
    model_uri: str = "models:/mi-modelo@champion"
    api_key: str = DEV_API_KEY

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        e = os.environ if environ is None else environ
        d = cls()
        settings = cls(
            env=e.get("APP_ENV", d.env),
            mlflow_tracking_uri=e.get("MLFLOW_TRACKING_URI", d.mlflow_tracking_uri),
            model_name=e.get("APP_MODEL_NAME", d.model_name),
            model_uri=e.get("APP_MODEL_URI", d.model_uri),
            api_key=e.get("APP_API_KEY", d.api_key),
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Falla con un mensaje claro si la configuración no sirve para su entorno."""
        if self.env not in ENVIRONMENTS:
            raise ValueError(f"APP_ENV={self.env!r} no es válido; usar uno de {ENVIRONMENTS}")
        if self.env == "production" and self.api_key == DEV_API_KEY:
            raise ValueError("APP_ENV=production con la clave de desarrollo: definir APP_API_KEY")
