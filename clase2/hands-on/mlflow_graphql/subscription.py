"""El tipo `Subscription`: las métricas de un entrenamiento en vivo, por WebSocket.

Una suscripción es un campo cuyo resolver es un generador asíncrono: cada `yield` es un evento
que viaja al cliente (protocolo graphql-transport-ws). `metricUpdates` consulta MLflow cada
`poll_interval_s`, envía los puntos nuevos de la métrica y termina cuando el run termina.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import strawberry

from .context import Info
from .errors import UserError
from .gateway import fetch_run
from .types.common import MetricPoint, metric_points
from .validation import check_name

TERMINAL_STATUSES = {"FINISHED", "FAILED", "KILLED"}


@strawberry.type(
    description="Flujos de eventos en vivo (WebSocket, protocolo graphql-transport-ws)."
)
class Subscription:
    @strawberry.subscription(
        description="Cada punto nuevo de una métrica mientras el run entrena; termina con el run."
    )
    async def metric_updates(
        self, info: Info, run_id: strawberry.ID, key: str
    ) -> AsyncGenerator[MetricPoint, None]:
        ctx = info.context
        check_name(key, "Nombre de métrica")
        await fetch_run(ctx.mlflow, run_id)  # NOT_FOUND antes de abrir el flujo
        last_step = None
        deadline = asyncio.get_running_loop().time() + ctx.settings.subscription_timeout_s
        while True:
            # Primero el estado y después el historial: si el run ya terminó, el historial
            # leído a continuación está completo y no se pierde ningún punto.
            run = await ctx.mlflow.call("get_run", run_id)
            history = await ctx.mlflow.call("get_metric_history", run_id, key)
            for point in metric_points(history):
                if last_step is None or point.step > last_step:
                    last_step = point.step
                    yield point
            if run.info.status in TERMINAL_STATUSES:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise UserError("La suscripción superó su tiempo máximo; volver a suscribirse.")
            await asyncio.sleep(ctx.settings.poll_interval_s)
