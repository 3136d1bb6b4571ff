"""Configuración del servicio: se lee del entorno una vez, al armar la app, y se valida.

| variable | por defecto | qué es |
|---|---|---|
| `MODEL_PATH` | `artifacts/iris_rf.joblib` (junto a `iris_train.py`) | el modelo a servir |
| `APP_ENV` | `development` | `production` activa las comprobaciones de producción |
| `JOB_STORE` | `memory` | dónde viven los trabajos: `memory` (un proceso) o `redis` (compartido) |
| `REDIS_URL` | `redis://localhost:6379/0` (el Redis del stack) | solo con `JOB_STORE=redis` |
| `JOBS_PREFIX` | `iris:` | prefijo de las claves de Redis (varias apps en un mismo Redis) |

Nada se lee al importar: `Settings.from_env()` lo hace cuando se llama (en `create_app()`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEV_MODEL_PATH = Path(__file__).resolve().parent.parent / "artifacts" / "iris_rf.joblib"
ENVIRONMENTS = ("development", "production")
JOB_STORES = ("memory", "redis")
STACK_REDIS_URL = "redis://localhost:6379/0"  # el Redis del stack (REDIS_URL en .env.example)


@dataclass(frozen=True)
class Settings:
    model_path: Path | None = None  # None: el modelo de desarrollo (DEV_MODEL_PATH)
    env: str = "development"
    job_store: str = "memory"
    redis_url: str = STACK_REDIS_URL
    jobs_prefix: str = "iris:"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Lee las variables de la tabla (de `os.environ` si no se pasa otro diccionario)."""
        environ = os.environ if environ is None else environ
        model_path = environ.get("MODEL_PATH")
        settings = cls(
            model_path=Path(model_path) if model_path else None,
            env=environ.get("APP_ENV", "development"),
            job_store=environ.get("JOB_STORE", "memory"),
            redis_url=environ.get("REDIS_URL") or STACK_REDIS_URL,
            jobs_prefix=environ.get("JOBS_PREFIX", "iris:"),
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Falla al arrancar, con un mensaje claro, en vez de servir mal configurado."""
        if self.env not in ENVIRONMENTS:
            raise ValueError(
                f"APP_ENV={self.env!r} no es válido: usar 'development' o 'production'"
            )
        if self.job_store not in JOB_STORES:
            raise ValueError(f"JOB_STORE={self.job_store!r} no es válido: usar 'memory' o 'redis'")
        if self.job_store == "redis" and not self.redis_url.startswith(("redis://", "rediss://")):
            raise ValueError(f"REDIS_URL={self.redis_url!r} debe empezar con redis:// o rediss://")
        if self.env == "production":
            self.check_production()

    def check_production(self) -> None:
        if self.model_path is None:
            raise ValueError(
                "APP_ENV=production exige MODEL_PATH con la ruta del modelo a servir "
                "(el de artifacts/ junto al código es solo para desarrollo)"
            )
        if self.job_store != "redis":
            raise ValueError(
                "APP_ENV=production exige JOB_STORE=redis: con varios workers o réplicas, "
                "los trabajos en memoria no se encuentran entre procesos y se pierden al reiniciar"
            )

    @property
    def model_file(self) -> Path:
        """El archivo del modelo que se va a cargar."""
        return self.model_path or DEV_MODEL_PATH
