"""Arma la API: junta las piezas de cada archivo y no hace nada más.

Nada ocurre al importar este módulo; la app se crea al llamar a `create_app()`:

    uvicorn --factory iris_api.app:create_app --port 8000   # lee MODEL_PATH, APP_ENV, JOB_STORE
    python -m iris_api --port 8000                          # lo mismo (ver cli.py)
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path

import numpy as np
from fastapi import FastAPI

from . import jobs, ops, versions
from .contracts import feature_field
from .health import health_router
from .jobs_memory import MemoryJobStore
from .model import load_model, model_ready
from .problems import install_problem_handlers, problem_responses
from .settings import Settings


def create_app(
    settings: Settings | None = None, model_path: str | os.PathLike | None = None
) -> FastAPI:
    """La app de iris. Sin argumentos lee el entorno (`Settings.from_env()`); `model_path`
    es un atajo para notebooks y pruebas: `Settings(model_path=...)`."""
    if settings is None:
        settings = Settings(model_path=Path(model_path)) if model_path else Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # El modelo se carga una vez, al arrancar; los trabajos usan el mismo modelo.
        app.state.model, app.state.model_error = load_model(settings.model_file)
        app.state.jobs = open_job_store(settings, lambda x: app.state.model.predict(x))
        # Lo cargado hasta aquí (bibliotecas, modelo) vive tanto como el proceso: se congela
        # para que las recolecciones completas de basura no lo recorran (ver notebook 02).
        gc.collect()
        gc.freeze()
        yield
        app.state.jobs.shutdown()

    app = FastAPI(
        title="API de clasificación de iris",
        version="2.0.0",
        description="Servicio de predicción de la Clase 1 (MLOps II, CEIA–FIUBA).",
        lifespan=lifespan,
        responses=problem_responses(500),  # cualquier endpoint puede fallar sin preverlo
    )
    app.state.settings = settings
    app.state.metrics = ops.Metrics()
    app.state.model, app.state.model_error = None, "El modelo todavía no se cargó."
    app.include_router(versions.v1)
    app.include_router(jobs.router)
    app.include_router(versions.v2)
    app.include_router(health_router(model_ready))
    app.include_router(ops.router)
    install_problem_handlers(app, field_namer=feature_field)
    app.middleware("http")(ops.log_and_measure)
    return app


def open_job_store(settings: Settings, predict: Callable[[np.ndarray], list[str]]) -> jobs.JobStore:
    """`JOB_STORE=memory` (un proceso) o `redis` (compartido entre workers y réplicas)."""
    if settings.job_store == "redis":
        from .jobs_redis import RedisJobStore  # solo si se usa: importar redis no es gratis

        return RedisJobStore(settings.redis_url, predict, prefix=settings.jobs_prefix)
    return MemoryJobStore(predict)
