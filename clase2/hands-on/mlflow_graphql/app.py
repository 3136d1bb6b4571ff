"""Arma el servicio: junta las piezas de cada archivo y no hace nada más.

Nada ocurre al importar este módulo; la app se crea al llamar a `create_app()`:

    uvicorn --factory mlflow_graphql.app:create_app --port 8001   # lee el entorno (settings.py)
    python -m mlflow_graphql --port 8001                          # lo mismo (ver cli.py)
"""

from __future__ import annotations

from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from mlflow import MlflowClient

from .gateway import mlflow_ready
from .health import health_router
from .problems import install_problem_handlers, problem_responses
from .router import MlflowGraphQLRouter, mount_graphiql_assets
from .schema import build_schema
from .settings import Settings


def create_app(
    settings: Settings | None = None, mlflow_client: MlflowClient | None = None
) -> FastAPI:
    """El servicio GraphQL sobre MLflow. Sin argumentos lee el entorno (`Settings.from_env()`).

    `mlflow_client` es un punto de inyección: las pruebas y las mediciones pasan un cliente
    envuelto (que falla, o que tarda como uno remoto) sin tocar el código del servicio.
    """
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Un solo cliente de MLflow y uno HTTP por proceso; cada solicitud crea su contexto.
        app.state.mlflow_client = mlflow_client or MlflowClient(
            settings.tracking_uri, registry_uri=settings.tracking_uri
        )
        async with httpx.AsyncClient(timeout=settings.http_timeout_s) as http:
            app.state.http = http
            yield

    app = FastAPI(
        title="GraphQL sobre MLflow",
        description="Servicio de la Clase 2 (MLOps II, CEIA–FIUBA).",
        version="2.0.0",
        lifespan=lifespan,
        responses=problem_responses(500),  # cualquier endpoint puede fallar sin preverlo
    )
    app.state.settings = settings
    router = MlflowGraphQLRouter(
        build_schema(settings), graphql_ide=None if settings.production else "graphiql"
    )
    app.include_router(router, prefix="/graphql")
    if not settings.production:
        mount_graphiql_assets(app)
    app.include_router(health_router(mlflow_ready))
    install_problem_handlers(app)
    return app
