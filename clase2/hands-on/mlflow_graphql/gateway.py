"""Acceso a MLflow: una instancia por solicitud que cuenta sus llamadas (así se mide el N+1).

Todos los resolvers hablan con MLflow a través de `MlflowGateway`. Cada respuesta informa en
`extensions.mlflowCalls` cuántas llamadas hizo (`MlflowCallCounter`), y `/ready` dice si MLflow
responde (`mlflow_ready`).
"""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
from fastapi import Request
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from .errors import NotFoundError
from .health import NotReady
from .validation import check_run_id


class MlflowGateway:
    """Envuelve al `MlflowClient` compartido y cuenta cada llamada de esta solicitud.

    El cliente de MLflow es síncrono (SQLite o HTTP): cada llamada corre en un hilo aparte
    (`asyncio.to_thread`) para no bloquear el bucle de eventos que atiende a los demás.
    """

    def __init__(self, client: MlflowClient):
        self._client = client
        self.calls: Counter[str] = Counter()

    async def call(self, method: str, *args, **kwargs):
        self.calls[method] += 1
        return await asyncio.to_thread(getattr(self._client, method), *args, **kwargs)

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())


async def fetch_run(mlflow: MlflowGateway, run_id: str):
    """Un run por id, o NotFoundError con un mensaje que nombra el id."""
    check_run_id(run_id)
    try:
        return await mlflow.call("get_run", run_id)
    except MlflowException as exc:
        if exc.error_code == "RESOURCE_DOES_NOT_EXIST":
            raise NotFoundError(f"No existe el run '{run_id}'.") from None
        raise


async def fetch_registered_model(mlflow: MlflowGateway, name: str):
    """Un modelo registrado por nombre, o NotFoundError."""
    try:
        return await mlflow.call("get_registered_model", name)
    except MlflowException as exc:
        if exc.error_code == "RESOURCE_DOES_NOT_EXIST":
            raise NotFoundError(f"No existe el modelo registrado '{name}'.") from None
        raise


class MlflowCallCounter(SchemaExtension):
    """Agrega a cada respuesta `extensions.mlflowCalls`: llamadas a MLflow de esa solicitud."""

    def get_results(self) -> dict:
        execution = self.execution_context
        mlflow = getattr(execution.context, "mlflow", None)
        if mlflow is None or execution.graphql_document is None:
            return {}
        if execution.operation_type is OperationType.SUBSCRIPTION:
            return {}  # en una suscripción el contador es de toda la conexión: no se informa
        return {"mlflowCalls": mlflow.total_calls, "mlflowCallsByMethod": dict(mlflow.calls)}


def mlflow_ready(request: Request) -> dict:
    """Readiness: el servicio recibe tráfico solo si MLflow responde (para `/ready`).

    Una sonda de readiness tiene que ser rápida y acotada. Contra un servidor MLflow
    (`http://...`) se pide su `/health` con tiempo límite: el cliente de MLflow reintentaría
    durante minutos. Contra un almacén local (SQLite) basta una búsqueda mínima.
    """
    settings, client = request.app.state.settings, request.app.state.mlflow_client
    try:
        if settings.tracking_uri.startswith(("http://", "https://")):
            url = settings.tracking_uri.rstrip("/") + "/health"
            httpx.get(url, timeout=settings.http_timeout_s).raise_for_status()
        else:
            client.search_experiments(max_results=1)
    except Exception as exc:  # el motivo, sin el detalle (puede llevar rutas o credenciales)
        raise NotReady(f"MLflow no responde ({type(exc).__name__})") from None
    return {"mlflow": "ok"}
