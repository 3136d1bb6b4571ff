"""Arma la API de predicción: junta las piezas y no hace nada más.

Nada ocurre al importar este módulo; la app se crea al llamar a `create_app()`:

    uvicorn --factory iris_service.app:create_app --port 8000   # lee MODEL_PATH y APP_ENV
    python -m iris_service serve --port 8000                    # lo mismo (ver cli.py)
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request

from . import model, predict
from .health import NotReady, health_router
from .problems import install_problem_handlers, problem_responses
from .settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """La app. Sin argumentos lee el entorno (`Settings.from_env()`)."""
    settings = Settings.from_env() if settings is None else settings

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.bundle = model.load(settings.model_path)  # una vez, al arrancar
        yield

    app = FastAPI(
        title="Predicción de iris (Clase 2)",
        description="La API de predicción que observa la fachada GraphQL de la Clase 2.",
        lifespan=lifespan,
        responses=problem_responses(500),  # cualquier endpoint puede fallar sin preverlo
    )
    app.state.bundle = None
    app.include_router(predict.router)
    app.include_router(health_router(model_loaded))
    install_problem_handlers(app)
    return app


def model_loaded(request: Request) -> dict:
    """Chequeo de `/ready`: listo cuando el modelo está cargado; informa su versión."""
    bundle = request.app.state.bundle
    if bundle is None:
        raise NotReady("el modelo todavía no se cargó")
    return {"model_version": bundle["version"]}
