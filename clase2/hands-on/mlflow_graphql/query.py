"""El tipo `Query`: los puntos de entrada de solo lectura del grafo de metadatos."""

from __future__ import annotations

import strawberry

from .context import Info
from .errors import NotFoundError
from .facade import Deployment, resolve_deployment
from .gateway import fetch_registered_model, fetch_run
from .types.registry import RegisteredModel
from .types.runs import Experiment, Run


@strawberry.type(description="Consultas de solo lectura.")
class Query:
    @strawberry.field(description="Experimentos activos, por nombre.")
    async def experiments(self, info: Info) -> list[Experiment]:
        found = await info.context.mlflow.call("search_experiments")
        return [Experiment.from_mlflow(e) for e in sorted(found, key=lambda e: e.name)]

    @strawberry.field(description="Un experimento por nombre (error NOT_FOUND si no existe).")
    async def experiment(self, info: Info, name: str) -> Experiment | None:
        found = await info.context.mlflow.call("get_experiment_by_name", name)
        if found is None:
            raise NotFoundError(f"No existe el experimento '{name}'.")
        return Experiment.from_mlflow(found)

    @strawberry.field(description="Un run por id (error NOT_FOUND si no existe).")
    async def run(self, info: Info, id: strawberry.ID) -> Run | None:  # noqa: A002
        return Run.from_mlflow(await fetch_run(info.context.mlflow, id))

    @strawberry.field(description="Modelos registrados, por nombre.")
    async def registered_models(self, info: Info) -> list[RegisteredModel]:
        found = await info.context.mlflow.call("search_registered_models", order_by=["name ASC"])
        return [RegisteredModel.from_mlflow(m) for m in found]

    @strawberry.field(description="Un modelo registrado (error NOT_FOUND si no existe).")
    async def registered_model(self, info: Info, name: str) -> RegisteredModel | None:
        return RegisteredModel.from_mlflow(await fetch_registered_model(info.context.mlflow, name))

    @strawberry.field(
        description="Fachada: el champion de MLflow y lo que sirve la API de predicción."
    )
    async def deployment(self, info: Info, model: str) -> Deployment:
        return await resolve_deployment(info, model)
