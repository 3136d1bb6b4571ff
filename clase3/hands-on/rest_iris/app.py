"""Arma la API REST de la comparación: junta las piezas y no hace nada más.

Nada ocurre al importar este módulo; la app se crea al llamar a `create_app()`:

    uvicorn --factory rest_iris.app:create_app --port 8001   # lee MODEL_PATH y APP_ENV
    python -m rest_iris --port 8001                          # lo mismo (ver cli.py)
"""

from __future__ import annotations

from contextlib import asynccontextmanager

import iris_model
from fastapi import FastAPI, Request

from . import predict
from .health import NotReady, health_router
from .problems import install_problem_handlers, problem_responses
from .settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """La app. Sin argumentos lee el entorno (`Settings.from_env()`)."""
    settings = Settings.from_env() if settings is None else settings

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.bundle = iris_model.load(settings.model_path)  # una vez, al arrancar
        yield

    app = FastAPI(
        title="REST de iris (Clase 3)",
        description="Un endpoint de predicción por lotes, para comparar con GraphQL y gRPC.",
        lifespan=lifespan,
        responses=problem_responses(500),  # cualquier endpoint puede fallar sin preverlo
    )
    app.state.bundle = None
    app.include_router(predict.router)
    app.include_router(health_router(model_loaded))
    install_problem_handlers(app, field_namer=predict.feature_field)
    return app


def model_loaded(request: Request) -> dict:
    """Chequeo de `/ready`: listo cuando el modelo está cargado."""
    bundle = request.app.state.bundle
    if bundle is None:
        raise NotReady("el modelo todavía no se cargó")
    return {"model_version": bundle["version"]}
