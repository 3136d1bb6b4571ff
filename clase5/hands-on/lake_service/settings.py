"""Configuración del servicio: todo sale del entorno y se valida al arrancar.

Variables (entre paréntesis, el valor por defecto):

    APP_ENV                 development | production (development)
    MLFLOW_TRACKING_URI     servidor de MLflow (http://localhost:5000)
    LAKE_MODEL_NAME         modelo registrado (clase5-fallas)
    LAKE_MODEL_ALIAS        alias que se sirve (champion)
    LAKE_SERVICE_POLL_S     segundos entre consultas del alias; 0 = solo POST /reload (30)

Los artefactos los entrega el servidor de MLflow (modo *proxied*): el servicio no necesita
credenciales de S3.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    tracking_uri: str = "http://localhost:5000"
    model_name: str = "clase5-fallas"
    alias: str = "champion"
    poll_s: float = 30.0
    app_env: str = "development"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Lee el entorno (o `environ`) y llama a `check()`; ValueError si algo no sirve."""
        env = os.environ if environ is None else environ
        d = cls()
        poll = env.get("LAKE_SERVICE_POLL_S", str(d.poll_s))
        try:
            poll_s = float(poll)
        except ValueError:
            message = f"LAKE_SERVICE_POLL_S={poll!r} debe ser un número de segundos"
            raise ValueError(message) from None
        settings = cls(
            tracking_uri=env.get("MLFLOW_TRACKING_URI", d.tracking_uri),
            model_name=env.get("LAKE_MODEL_NAME", d.model_name),
            alias=env.get("LAKE_MODEL_ALIAS", d.alias),
            poll_s=poll_s,
            app_env=env.get("APP_ENV", d.app_env),
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Falla con un mensaje claro si la configuración no puede funcionar."""
        if self.app_env not in ("development", "production"):
            message = f"APP_ENV={self.app_env!r} no es válido: debe ser development o production"
            raise ValueError(message)
        if not self.tracking_uri:
            raise ValueError("MLFLOW_TRACKING_URI está vacía: indicar el servidor de MLflow")
        if not self.model_name or not self.alias:
            raise ValueError("LAKE_MODEL_NAME y LAKE_MODEL_ALIAS no pueden estar vacías")
        if not 0 <= self.poll_s <= 3600:
            raise ValueError(f"LAKE_SERVICE_POLL_S={self.poll_s:g} fuera de [0, 3600] segundos")
        if self.app_env == "production" and self.tracking_uri.startswith("http://"):
            raise ValueError(
                f"APP_ENV=production: MLFLOW_TRACKING_URI={self.tracking_uri!r} debe usar "
                "https:// (el registro de modelos va detrás de TLS)"
            )
