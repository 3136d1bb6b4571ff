"""El contexto de cada solicitud: lo que todo resolver recibe en `info.context`.

Se crea uno nuevo por pedido HTTP (o por conexión WebSocket): su propio gateway que cuenta las
llamadas a MLflow y sus propios DataLoaders. Los clientes de MLflow y HTTP son del proceso
(se crean en el *lifespan* de la app) y se comparten.
"""

from __future__ import annotations

import httpx
import strawberry
from mlflow import MlflowClient
from starlette.requests import HTTPConnection
from strawberry.fastapi import BaseContext

from .gateway import MlflowGateway
from .loaders import make_loaders
from .settings import Settings


class Context(BaseContext):
    """Configuración, acceso a MLflow contado, DataLoaders y el cliente HTTP de la fachada."""

    def __init__(self, settings: Settings, client: MlflowClient, http: httpx.AsyncClient | None):
        super().__init__()
        self.settings = settings
        self.mlflow = MlflowGateway(client)
        self.loaders = make_loaders(self.mlflow) if settings.use_dataloaders else None
        self.http = http


def get_context(connection: HTTPConnection) -> Context:
    """`context_getter` del router: arma el contexto con lo que dejó el lifespan en la app."""
    state = connection.app.state
    return Context(state.settings, state.mlflow_client, state.http)


Info = strawberry.Info[Context, None]
