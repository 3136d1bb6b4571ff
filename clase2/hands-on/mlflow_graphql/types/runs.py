"""Runs y experimentos: los tipos, sus resolvers y la página de runs con cursor.

Los campos simples salen de las anotaciones (`str` → `String!`, `str | None` → `String`,
`list[KeyValue]` → `[KeyValue!]!`); los métodos con `@strawberry.field` son campos con
argumentos y resolver propio. `strawberry.Private` guarda datos internos que no se publican.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from mlflow.exceptions import MlflowException

from ..context import Info
from ..errors import UserError
from ..filters import RunFilter, RunOrder, to_mlflow_filter, to_mlflow_order
from ..validation import check_name
from .common import KeyValue, Metric, MetricPoint, RunStatus, Tagged, metric_points, user_tags

if TYPE_CHECKING:
    from .registry import ModelVersion


@strawberry.type(description="Una ejecución de entrenamiento registrada en MLflow.")
class Run(Tagged):
    id: strawberry.ID
    name: str
    status: RunStatus
    start_time: datetime
    note: str | None = strawberry.field(description="Nota del run (etiqueta mlflow.note.content)")
    params: list[KeyValue]
    metrics: list[Metric] = strawberry.field(description="Último valor de cada métrica")
    experiment_id: strawberry.Private[str]

    @classmethod
    def from_mlflow(cls, run) -> Run:
        info, data = run.info, run.data
        return cls(
            id=strawberry.ID(info.run_id),
            name=info.run_name,
            status=RunStatus(info.status),
            start_time=datetime.fromtimestamp(info.start_time / 1000, tz=UTC),
            note=data.tags.get("mlflow.note.content"),
            tags=user_tags(data.tags),
            params=[KeyValue(key=k, value=v) for k, v in sorted(data.params.items())],
            metrics=[
                Metric(key=k, value=v, step=0) for k, v in sorted(data.metrics.items())
            ],  # la API de búsqueda devuelve solo el último valor
            experiment_id=info.experiment_id,
        )

    @strawberry.field(description="Valor de un parámetro, o null si el run no lo tiene.")
    def param(self, key: str) -> str | None:
        return next((p.value for p in self.params if p.key == key), None)

    @strawberry.field(description="Último valor de una métrica, o null si el run no la tiene.")
    def metric(self, key: str) -> float | None:
        return next((m.value for m in self.metrics if m.key == key), None)

    @strawberry.field(description="Todos los valores de una métrica, ordenados por paso.")
    async def metric_history(self, info: Info, key: str) -> list[MetricPoint]:
        check_name(key, "Nombre de métrica")
        return metric_points(await info.context.mlflow.call("get_metric_history", self.id, key))

    @strawberry.field(description="El experimento al que pertenece el run.")
    async def experiment(self, info: Info) -> Experiment:
        ctx = info.context
        if ctx.loaders:
            experiment = await ctx.loaders.experiment_by_id.load(self.experiment_id)
        else:
            experiment = await ctx.mlflow.call("get_experiment", self.experiment_id)
        return Experiment.from_mlflow(experiment)

    @strawberry.field(description="Versiones de modelos registradas a partir de este run.")
    async def model_versions(
        self, info: Info
    ) -> list[Annotated[ModelVersion, strawberry.lazy(".registry")]]:
        from .registry import ModelVersion  # registry.py importa Run: se importa al usarlo

        mlflow = info.context.mlflow
        found = await mlflow.call("search_model_versions", f"run_id = '{self.id}'")
        # La búsqueda no trae los alias: se pide cada versión (un run suele tener 0 o 1).
        full = [await mlflow.call("get_model_version", v.name, v.version) for v in found]
        return [ModelVersion.from_mlflow(v) for v in sorted(full, key=lambda v: v.name)]


@strawberry.type(description="Datos para pedir la página siguiente.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None = strawberry.field(description="Pasarlo como `after` para seguir")


@strawberry.type(description="Una página de runs.")
class RunConnection:
    nodes: list[Run]
    page_info: PageInfo


@strawberry.type(description="Un experimento de MLflow: agrupa runs comparables.")
class Experiment(Tagged):
    id: strawberry.ID
    name: str
    lifecycle_stage: str

    @classmethod
    def from_mlflow(cls, experiment) -> Experiment:
        return cls(
            id=strawberry.ID(experiment.experiment_id),
            name=experiment.name,
            lifecycle_stage=experiment.lifecycle_stage,
            tags=user_tags(experiment.tags),
        )

    @strawberry.field(description="Runs del experimento: filtro, orden y paginación por cursor.")
    async def runs(
        self,
        info: Info,
        filter: RunFilter | None = None,  # noqa: A002 - nombre natural en la API
        order_by: list[RunOrder] | None = None,
        first: int = 10,
        after: str | None = None,
    ) -> RunConnection:
        return await search_runs(info, [self.id], filter, order_by, first, after)


async def search_runs(
    info: Info,
    experiment_ids: list[str],
    run_filter: RunFilter | None,
    order_by: list[RunOrder] | None,
    first: int,
    after: str | None,
) -> RunConnection:
    """Una página de runs. El cursor es el `page_token` de MLflow, opaco para el cliente."""
    limit = info.context.settings.max_page_size
    if not 1 <= first <= limit:
        raise UserError(f"`first` debe estar entre 1 y {limit}; se recibió {first}.")
    order = to_mlflow_order(order_by)
    filter_string = to_mlflow_filter(run_filter)
    try:
        page = await info.context.mlflow.call(
            "search_runs",
            experiment_ids,
            filter_string=filter_string,
            order_by=order,
            max_results=first,
            page_token=after,
        )
    except MlflowException as exc:
        if exc.error_code == "INVALID_PARAMETER_VALUE":
            raise UserError(f"Búsqueda inválida (cursor o filtro): {exc.message}") from None
        raise
    token = page.token.decode() if isinstance(page.token, bytes) else page.token
    return RunConnection(
        nodes=[Run.from_mlflow(run) for run in page],
        page_info=PageInfo(has_next_page=token is not None, end_cursor=token),
    )
