"""Configuración del servicio: se lee del entorno al armar la app, y se valida.

| variable | por defecto | qué es |
|---|---|---|
| `MLFLOW_TRACKING_URI` | SQLite en `artifacts/mlflow-seed/` | de dónde se leen los metadatos |
| `PREDICTION_API_URL` | `http://127.0.0.1:8000` | la API de predicción (`iris_service/`, fachada) |
| `APP_ENV` | `development` | `production`: sin GraphiQL ni introspección, errores enmascarados |

Nada se lee al importar: `Settings.from_env()` lo hace cuando se llama (en `create_app()`).
Los límites de las consultas son parte del código (se cambian con `Settings(...)`), no del
entorno: así el contrato que se prueba es el que se despliega.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

HANDS_ON = Path(__file__).resolve().parent.parent
DEFAULT_TRACKING_URI = f"sqlite:///{HANDS_ON / 'artifacts' / 'mlflow-seed' / 'mlflow.db'}"
DEFAULT_PREDICTION_API_URL = "http://127.0.0.1:8000"
ENVIRONMENTS = ("development", "production")


@dataclass(frozen=True)
class Settings:
    tracking_uri: str = DEFAULT_TRACKING_URI
    prediction_api_url: str = DEFAULT_PREDICTION_API_URL
    env: str = "development"
    use_dataloaders: bool = True  # False solo para medir el problema N+1
    max_depth: int = 8
    max_tokens: int = 1000
    max_aliases: int = 15
    max_page_size: int = 50
    max_cost: int = 10_000  # objetos que una consulta puede devolver, estimados (cost.py)
    assumed_list_size: int = 10  # tamaño supuesto de una lista sin `first` (para el costo)
    poll_interval_s: float = 0.2  # cada cuánto la suscripción mira MLflow
    subscription_timeout_s: float = 120.0
    http_timeout_s: float = 2.0  # la fachada nunca espera más que esto a otro servicio

    @property
    def production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Lee `MLFLOW_TRACKING_URI`, `PREDICTION_API_URL` y `APP_ENV` (de `os.environ` si no
        se pasa otro diccionario) y valida el resultado."""
        environ = os.environ if environ is None else environ
        settings = cls(
            tracking_uri=environ.get("MLFLOW_TRACKING_URI", DEFAULT_TRACKING_URI),
            prediction_api_url=environ.get("PREDICTION_API_URL", DEFAULT_PREDICTION_API_URL),
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
        if not self.prediction_api_url.startswith(("http://", "https://")):
            raise ValueError(
                f"PREDICTION_API_URL={self.prediction_api_url!r} debe empezar con http:// o "
                "https://"
            )
        if self.production and self.tracking_uri == DEFAULT_TRACKING_URI:
            raise ValueError(
                "APP_ENV=production exige MLFLOW_TRACKING_URI con el MLflow a consultar "
                "(el almacén de artifacts/ junto al código es solo para desarrollo)"
            )
        limits = (
            "max_depth",
            "max_tokens",
            "max_aliases",
            "max_page_size",
            "max_cost",
            "assumed_list_size",
        )
        if any(getattr(self, name) < 1 for name in limits):
            raise ValueError(f"Los límites {', '.join(limits)} deben ser enteros positivos")
