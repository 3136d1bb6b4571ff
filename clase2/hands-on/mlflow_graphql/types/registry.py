"""El registro de modelos: modelos registrados, sus versiones y los alias que apuntan a ellas.

`ModelVersion.run` y `RegisteredModel.versions` son los campos donde aparece el problema N+1:
una lista de N objetos cuyo campo necesita otra consulta. Con DataLoader (`info.context.loaders`)
todos los pedidos de un nivel se resuelven con una búsqueda; sin él, uno por objeto.
"""

from __future__ import annotations

import strawberry
from mlflow.exceptions import MlflowException

from ..context import Info
from .common import Tagged, user_tags
from .runs import Run


@strawberry.type(description="Un alias (p. ej. champion) y la versión a la que apunta.")
class ModelAlias:
    alias: str
    version: int


@strawberry.type(description="Una versión de un modelo registrado.")
class ModelVersion(Tagged):
    model_name: str
    version: int
    aliases: list[str]
    status: str
    source: str
    run_id: strawberry.Private[str | None]

    @classmethod
    def from_mlflow(cls, version, aliases: list[str] | None = None) -> ModelVersion:
        # search_model_versions de MLflow no completa los alias (get_model_version sí): quien
        # ya los conoce, los pasa.
        return cls(
            model_name=version.name,
            version=int(version.version),
            aliases=sorted(version.aliases if aliases is None else aliases),
            status=version.status,
            source=version.source,
            tags=user_tags(version.tags),
            run_id=version.run_id,
        )

    @strawberry.field(description="El run que produjo esta versión.")
    async def run(self, info: Info) -> Run | None:
        if self.run_id is None:
            return None
        ctx = info.context
        if ctx.loaders:  # con DataLoader: una sola búsqueda para todas las versiones pedidas
            run = await ctx.loaders.run_by_id.load(self.run_id)
        else:  # sin DataLoader: una llamada por versión → el problema N+1
            run = await ctx.mlflow.call("get_run", self.run_id)
        return Run.from_mlflow(run) if run is not None else None


@strawberry.type(description="Un modelo del registro de MLflow, con versiones y alias.")
class RegisteredModel(Tagged):
    name: str
    description: str | None
    aliases: list[ModelAlias]

    @classmethod
    def from_mlflow(cls, model) -> RegisteredModel:
        return cls(
            name=model.name,
            description=model.description or None,
            tags=user_tags(model.tags),
            aliases=[
                ModelAlias(alias=alias, version=int(version))
                for alias, version in sorted(model.aliases.items())
            ],
        )

    @strawberry.field(description="Todas las versiones, de la más vieja a la más nueva.")
    async def versions(self, info: Info) -> list[ModelVersion]:
        ctx = info.context
        if ctx.loaders:
            versions = await ctx.loaders.versions_by_model.load(self.name)
        else:
            found = await ctx.mlflow.call("search_model_versions", f"name = '{self.name}'")
            versions = sorted(found, key=lambda v: int(v.version))
        return [
            ModelVersion.from_mlflow(
                v, [a.alias for a in self.aliases if a.version == int(v.version)]
            )
            for v in versions
        ]

    @strawberry.field(description="La versión a la que apunta un alias, o null si no existe.")
    async def version(self, info: Info, alias: str) -> ModelVersion | None:
        try:
            found = await info.context.mlflow.call("get_model_version_by_alias", self.name, alias)
        except MlflowException as exc:
            if exc.error_code in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"):
                return None
            raise
        return ModelVersion.from_mlflow(found)
