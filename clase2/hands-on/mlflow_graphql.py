"""Servicio GraphQL sobre los metadatos de MLflow (Clase 2): Strawberry montado en FastAPI.

Expone experimentos, runs (parámetros, métricas, etiquetas, historial), modelos registrados con
sus versiones y alias; mutaciones para etiquetar runs, registrar versiones y mover alias; una
suscripción por WebSocket (graphql-transport-ws) con las métricas de un entrenamiento en vivo; y
un campo que agrega MLflow con la API de predicción de la Clase 1 (GraphQL como fachada).

Todo se resuelve con el cliente de MLflow (`MlflowClient`). Cada solicitud cuenta sus llamadas a
MLflow y las informa en `extensions.mlflowCalls` de la respuesta: así se mide el problema N+1.

Fuera de Jupyter:
    python mlflow_graphql_seed.py                          # crea artifacts/mlflow-seed/
    uvicorn mlflow_graphql:app --port 8001                 # GraphiQL en http://127.0.0.1:8001/graphql
    python mlflow_graphql.py export-schema > schema.graphql

Configuración por variables de entorno: MLFLOW_TRACKING_URI, PREDICTION_API_URL (la API de la
Clase 1) y GRAPHQL_PRODUCTION=1 (sin GraphiQL, sin introspección, errores internos enmascarados).
"""

from __future__ import annotations

import asyncio
import enum
import logging
import os
import re
import sys
import warnings
from collections import Counter
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")  # sin telemetría: no hay internet
# MLflow importa tqdm.auto, que en Jupyter sin ipywidgets avisa que no puede dibujar barras.
warnings.filterwarnings("ignore", message="IProgress not found")

import httpx  # noqa: E402
import strawberry  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.staticfiles import StaticFiles  # noqa: E402
from graphql import GraphQLError  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402
from starlette.requests import HTTPConnection  # noqa: E402
from strawberry.dataloader import DataLoader  # noqa: E402
from strawberry.extensions import (  # noqa: E402
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.fastapi import BaseContext, GraphQLRouter  # noqa: E402
from strawberry.types.graphql import OperationType  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_TRACKING_URI = f"sqlite:///{HERE / 'artifacts' / 'mlflow-seed' / 'mlflow.db'}"
GRAPHIQL_ASSETS = HERE / "graphiql_static"  # copia local de GraphiQL (ver graphiql_vendor.py)
TERMINAL_STATUSES = {"FINISHED", "FAILED", "KILLED"}
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/ ]{0,249}$")  # claves de métricas, params, tags
MODEL_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")
ALIAS_RE = re.compile(r"^[a-z][a-z0-9_\-]{0,62}$")
RUN_ID_RE = re.compile(r"^[0-9a-f]{32}$")

logger = logging.getLogger("mlflow_graphql")


# --------------------------------------------------------------------------------------
# Configuración
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    tracking_uri: str = DEFAULT_TRACKING_URI
    prediction_api_url: str = "http://127.0.0.1:8000"
    production: bool = False
    use_dataloaders: bool = True  # False solo para medir el problema N+1
    max_depth: int = 8
    max_tokens: int = 1000
    max_aliases: int = 15
    max_page_size: int = 50
    poll_interval_s: float = 0.2  # cada cuánto la suscripción mira MLflow
    subscription_timeout_s: float = 120.0
    http_timeout_s: float = 2.0  # la fachada nunca espera más que esto a otro servicio

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            tracking_uri=os.environ.get("MLFLOW_TRACKING_URI", DEFAULT_TRACKING_URI),
            prediction_api_url=os.environ.get("PREDICTION_API_URL", cls.prediction_api_url),
            production=os.environ.get("GRAPHQL_PRODUCTION", "0") == "1",
        )


# --------------------------------------------------------------------------------------
# Errores que ve el cliente: mensaje claro en español y un código en `extensions.code`
# --------------------------------------------------------------------------------------
class UserError(GraphQLError):
    """Error causado por la consulta del cliente (no por el servidor): se informa tal cual."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str):
        super().__init__(message, extensions={"code": self.code})


class NotFoundError(UserError):
    code = "NOT_FOUND"


def is_internal_error(error: GraphQLError) -> bool:
    """Errores inesperados: una excepción de Python en un resolver. Los de sintaxis, validación,
    variables o del usuario (UserError) son GraphQLError y se informan tal cual."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


def check_name(value: str, what: str, pattern: re.Pattern = NAME_RE) -> str:
    if not pattern.fullmatch(value):
        raise UserError(
            f"{what} inválido: {value!r}. Se permiten letras, dígitos y los signos del patrón "
            f"{pattern.pattern}"
        )
    return value


# --------------------------------------------------------------------------------------
# Acceso a MLflow: una instancia por solicitud, que cuenta sus llamadas
# --------------------------------------------------------------------------------------
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
    if not RUN_ID_RE.fullmatch(run_id):
        raise NotFoundError(f"No existe el run '{run_id}': un id de run tiene 32 dígitos hex.")
    try:
        return await mlflow.call("get_run", run_id)
    except MlflowException as exc:
        if exc.error_code == "RESOURCE_DOES_NOT_EXIST":
            raise NotFoundError(f"No existe el run '{run_id}'.") from None
        raise


async def fetch_registered_model(mlflow: MlflowGateway, name: str):
    try:
        return await mlflow.call("get_registered_model", name)
    except MlflowException as exc:
        if exc.error_code == "RESOURCE_DOES_NOT_EXIST":
            raise NotFoundError(f"No existe el modelo registrado '{name}'.") from None
        raise


# --------------------------------------------------------------------------------------
# DataLoaders: juntan los pedidos de un mismo "tick" del bucle en una sola llamada
# --------------------------------------------------------------------------------------
@dataclass
class Loaders:
    run_by_id: DataLoader
    experiment_by_id: DataLoader
    versions_by_model: DataLoader


def make_loaders(mlflow: MlflowGateway) -> Loaders:
    """Loaders nuevos por solicitud (su caché no debe mezclar datos de distintos clientes)."""

    async def load_runs(run_ids: list[str]) -> list:
        experiments = await mlflow.call("search_experiments")
        wanted = ", ".join(f"'{run_id}'" for run_id in run_ids)  # ids validados (hex)
        runs = await mlflow.call(
            "search_runs",
            [e.experiment_id for e in experiments],
            filter_string=f"attributes.run_id IN ({wanted})",
            max_results=len(run_ids),
        )
        by_id = {run.info.run_id: run for run in runs}
        return [by_id.get(run_id) for run_id in run_ids]

    async def load_experiments(experiment_ids: list[str]) -> list:
        experiments = await mlflow.call("search_experiments")
        by_id = {e.experiment_id: e for e in experiments}
        return [by_id.get(experiment_id) for experiment_id in experiment_ids]

    async def load_versions(model_names: list[str]) -> list[list]:
        wanted = ", ".join(f"'{name}'" for name in model_names)  # nombres validados
        versions = await mlflow.call("search_model_versions", f"name IN ({wanted})")
        grouped: dict[str, list] = {name: [] for name in model_names}
        for version in versions:
            grouped[version.name].append(version)
        return [sorted(grouped[name], key=lambda v: int(v.version)) for name in model_names]

    return Loaders(
        run_by_id=DataLoader(load_fn=load_runs),
        experiment_by_id=DataLoader(load_fn=load_experiments),
        versions_by_model=DataLoader(load_fn=load_versions),
    )


class Context(BaseContext):
    """Lo que cada resolver recibe en `info.context`."""

    def __init__(self, settings: Settings, client: MlflowClient, http: httpx.AsyncClient):
        super().__init__()
        self.settings = settings
        self.mlflow = MlflowGateway(client)
        self.loaders = make_loaders(self.mlflow) if settings.use_dataloaders else None
        self.http = http


Info = strawberry.Info[Context, None]


# --------------------------------------------------------------------------------------
# Tipos del esquema
# --------------------------------------------------------------------------------------
@strawberry.enum(description="Estado de un run de MLflow.")
class RunStatus(enum.Enum):
    RUNNING = "RUNNING"
    SCHEDULED = "SCHEDULED"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    KILLED = "KILLED"


@strawberry.enum(description="Sentido de un ordenamiento.")
class SortDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.type(description="Par clave/valor (etiqueta o parámetro).")
class KeyValue:
    key: str
    value: str


@strawberry.type(description="Último valor registrado de una métrica.")
class Metric:
    key: str
    value: float
    step: int


@strawberry.type(description="Un punto del historial de una métrica.")
class MetricPoint:
    key: str
    step: int
    value: float


@strawberry.interface(description="Entidad de MLflow con etiquetas de usuario.")
class Tagged:
    tags: list[KeyValue] = strawberry.field(description="Etiquetas (sin las de sistema mlflow.*)")


def user_tags(tags: dict[str, str]) -> list[KeyValue]:
    return [
        KeyValue(key=k, value=v) for k, v in sorted(tags.items()) if not k.startswith("mlflow.")
    ]


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
        history = await info.context.mlflow.call("get_metric_history", self.id, key)
        return [
            MetricPoint(key=m.key, step=m.step, value=m.value)
            for m in sorted(history, key=lambda m: (m.step, m.timestamp))
        ]

    @strawberry.field(description="El experimento al que pertenece el run.")
    async def experiment(self, info: Info) -> Experiment:
        ctx = info.context
        if ctx.loaders:
            experiment = await ctx.loaders.experiment_by_id.load(self.experiment_id)
        else:
            experiment = await ctx.mlflow.call("get_experiment", self.experiment_id)
        return Experiment.from_mlflow(experiment)

    @strawberry.field(description="Versiones de modelos registradas a partir de este run.")
    async def model_versions(self, info: Info) -> list[ModelVersion]:
        mlflow = info.context.mlflow
        found = await mlflow.call("search_model_versions", f"run_id = '{self.id}'")
        # La búsqueda no trae los alias: se pide cada versión (un run suele tener 0 o 1).
        full = [await mlflow.call("get_model_version", v.name, v.version) for v in found]
        return [ModelVersion.from_mlflow(v) for v in sorted(full, key=lambda v: v.name)]


@strawberry.input(description="Umbral sobre el último valor de una métrica.")
class MetricThreshold:
    key: str
    min: float | None = None
    max: float | None = None


@strawberry.input(description="Condición de igualdad sobre un parámetro o una etiqueta.")
class KeyValueInput:
    key: str
    value: str


@strawberry.input(description="Filtro de runs; las condiciones se combinan con AND.")
class RunFilter:
    status: RunStatus | None = None
    params: list[KeyValueInput] = strawberry.field(default_factory=list)
    tags: list[KeyValueInput] = strawberry.field(default_factory=list)
    metrics: list[MetricThreshold] = strawberry.field(default_factory=list)


@strawberry.input(description="Orden de runs por el último valor de una métrica.")
class RunOrder:
    metric: str
    direction: SortDirection = SortDirection.DESC


@strawberry.type(description="Datos para pedir la página siguiente.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None = strawberry.field(description="Pasarlo como `after` para seguir")


@strawberry.type(description="Una página de runs.")
class RunConnection:
    nodes: list[Run]
    page_info: PageInfo


def quoted(value: str) -> str:
    if "'" in value:
        raise UserError(f"El valor {value!r} no puede contener comillas simples.")
    return f"'{value}'"


def to_mlflow_filter(run_filter: RunFilter | None) -> str:
    """RunFilter tipado → filtro de texto de MLflow. Nunca se concatena texto sin validar."""
    if run_filter is None:
        return ""
    clauses = []
    if run_filter.status is not None:
        clauses.append(f"attributes.status = '{run_filter.status.value}'")
    for param in run_filter.params:
        clauses.append(f"params.`{check_name(param.key, 'Parámetro')}` = {quoted(param.value)}")
    for tag in run_filter.tags:
        clauses.append(f"tags.`{check_name(tag.key, 'Etiqueta')}` = {quoted(tag.value)}")
    for threshold in run_filter.metrics:
        key = check_name(threshold.key, "Nombre de métrica")
        if threshold.min is None and threshold.max is None:
            raise UserError(f"El umbral de '{key}' necesita `min`, `max` o ambos.")
        if threshold.min is not None:
            clauses.append(f"metrics.`{key}` >= {threshold.min!r}")
        if threshold.max is not None:
            clauses.append(f"metrics.`{key}` <= {threshold.max!r}")
    return " and ".join(clauses)


async def search_runs(
    info: Info,
    experiment_ids: list[str],
    run_filter: RunFilter | None,
    order_by: list[RunOrder] | None,
    first: int,
    after: str | None,
) -> RunConnection:
    limit = info.context.settings.max_page_size
    if not 1 <= first <= limit:
        raise UserError(f"`first` debe estar entre 1 y {limit}; se recibió {first}.")
    order = [
        f"metrics.`{check_name(o.metric, 'Nombre de métrica')}` {o.direction.value}"
        for o in order_by or []
    ]
    order.append("attributes.run_name ASC")  # desempate: el orden siempre es total y estable
    try:
        page = await info.context.mlflow.call(
            "search_runs",
            experiment_ids,
            filter_string=to_mlflow_filter(run_filter),
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


@strawberry.type(description="Estado de la API de predicción (Clase 1), visto por la fachada.")
class ServingStatus:
    url: str
    reachable: bool
    ready: bool
    model_version: str | None
    error: str | None


@strawberry.type(description="Une el registro de MLflow con el servicio que predice.")
class Deployment:
    model: RegisteredModel
    champion: ModelVersion | None
    serving: ServingStatus
    in_sync: bool = strawberry.field(description="¿La API sirve la versión champion?")
    summary: str


async def probe_prediction_api(http: httpx.AsyncClient, base_url: str) -> ServingStatus:
    """Consulta /ready de la API de la Clase 1. Si no responde, lo dice: nunca cuelga."""
    try:
        response = await http.get(f"{base_url}/ready")
    except httpx.HTTPError as exc:
        reason = (
            "tiempo agotado" if isinstance(exc, httpx.TimeoutException) else "no se pudo conectar"
        )
        return ServingStatus(
            url=base_url,
            reachable=False,
            ready=False,
            model_version=None,
            error=f"{type(exc).__name__}: {reason}",
        )
    try:
        body = response.json()
    except ValueError:  # respondió algo que no es JSON: alcanzable, pero no es la API esperada
        body = {"detail": f"respuesta no JSON (HTTP {response.status_code})"}
    return ServingStatus(
        url=base_url,
        reachable=True,
        ready=response.status_code == 200,
        model_version=body.get("model_version"),
        error=None if response.status_code == 200 else body.get("detail"),
    )


def deployment_summary(name: str, champion: ModelVersion | None, serving: ServingStatus) -> str:
    if champion is None:
        return f"'{name}' no tiene alias champion: no hay nada que desplegar."
    if not serving.reachable:
        return f"No se pudo consultar la API de predicción ({serving.error})."
    if serving.model_version == str(champion.version):
        return f"La API sirve la versión champion ({champion.version}) de '{name}'."
    return (
        f"La API sirve la versión {serving.model_version} pero champion es la "
        f"{champion.version}: falta desplegar."
    )


# --------------------------------------------------------------------------------------
# Query
# --------------------------------------------------------------------------------------
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
        description="Fachada: el champion de MLflow y lo que sirve la API de la Clase 1."
    )
    async def deployment(self, info: Info, model: str) -> Deployment:
        ctx = info.context

        async def champion() -> ModelVersion | None:
            try:
                found = await ctx.mlflow.call("get_model_version_by_alias", model, "champion")
            except MlflowException:
                return None
            return ModelVersion.from_mlflow(found)

        # Las tres fuentes se consultan a la vez: la latencia es la de la más lenta, no la suma.
        registered, best, serving = await asyncio.gather(
            fetch_registered_model(ctx.mlflow, model),
            champion(),
            probe_prediction_api(ctx.http, ctx.settings.prediction_api_url),
        )
        return Deployment(
            model=RegisteredModel.from_mlflow(registered),
            champion=best,
            serving=serving,
            in_sync=best is not None and serving.model_version == str(best.version),
            summary=deployment_summary(model, best, serving),
        )


# --------------------------------------------------------------------------------------
# Mutation
# --------------------------------------------------------------------------------------
@strawberry.input(description="Etiqueta a poner (o reemplazar) en un run.")
class SetRunTagInput:
    run_id: strawberry.ID
    key: str
    value: str


@strawberry.input(description="Registrar el modelo guardado por un run como versión nueva.")
class RegisterModelVersionInput:
    run_id: strawberry.ID
    model_name: str


@strawberry.input(description="Apuntar un alias (p. ej. champion) a una versión.")
class SetModelAliasInput:
    model_name: str
    alias: str
    version: int


@strawberry.type(description="Operaciones que modifican MLflow.")
class Mutation:
    @strawberry.mutation(description="Pone una etiqueta en un run y devuelve el run actualizado.")
    async def set_run_tag(self, info: Info, input: SetRunTagInput) -> Run:  # noqa: A002
        mlflow = info.context.mlflow
        key = check_name(input.key, "Nombre de etiqueta")
        if key.startswith("mlflow."):
            raise UserError("Las etiquetas 'mlflow.*' son del sistema: usar otro prefijo.")
        if len(input.value) > 5000:
            raise UserError(f"El valor tiene {len(input.value)} caracteres; el máximo es 5000.")
        await fetch_run(mlflow, input.run_id)
        await mlflow.call("set_tag", input.run_id, key, input.value)
        return Run.from_mlflow(await mlflow.call("get_run", input.run_id))

    @strawberry.mutation(description="Registra el modelo de un run (crea el modelo si no existe).")
    async def register_model_version(
        self,
        info: Info,
        input: RegisterModelVersionInput,  # noqa: A002
    ) -> ModelVersion:
        mlflow = info.context.mlflow
        name = check_name(input.model_name, "Nombre de modelo", MODEL_NAME_RE)
        run = await fetch_run(mlflow, input.run_id)
        outputs = run.outputs.model_outputs if run.outputs else []
        if not outputs:
            raise UserError(f"El run '{input.run_id}' no guardó ningún modelo: nada que registrar.")
        model_id = outputs[0].model_id
        # Se pasa la ubicación de los artefactos y no "models:/<id>": con ese URI, el registro
        # de MLflow busca el modelo con el URI de tracking *global* del proceso (no el de este
        # cliente), que en un servicio puede ser otro o no estar definido.
        logged = await mlflow.call("get_logged_model", model_id)
        if not await mlflow.call("search_registered_models", filter_string=f"name = '{name}'"):
            await mlflow.call("create_registered_model", name)
        version = await mlflow.call(
            "create_model_version",
            name,
            source=logged.artifact_location,
            run_id=input.run_id,
            model_id=model_id,
        )
        return ModelVersion.from_mlflow(version)

    @strawberry.mutation(description="Mueve un alias a otra versión (lo crea si no existía).")
    async def set_model_alias(self, info: Info, input: SetModelAliasInput) -> RegisteredModel:  # noqa: A002
        mlflow = info.context.mlflow
        alias = input.alias
        if not ALIAS_RE.fullmatch(alias) or alias == "latest" or re.fullmatch(r"v\d+", alias):
            raise UserError(
                f"Alias inválido: {alias!r}. Debe empezar con minúscula, usar [a-z0-9_-] y no "
                "puede ser 'latest' ni 'v<número>' (MLflow los reserva)."
            )
        await fetch_registered_model(mlflow, input.model_name)
        try:
            await mlflow.call("get_model_version", input.model_name, str(input.version))
        except MlflowException:
            raise NotFoundError(
                f"El modelo '{input.model_name}' no tiene la versión {input.version}."
            ) from None
        await mlflow.call("set_registered_model_alias", input.model_name, alias, input.version)
        return RegisteredModel.from_mlflow(await fetch_registered_model(mlflow, input.model_name))


# --------------------------------------------------------------------------------------
# Subscription
# --------------------------------------------------------------------------------------
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
            for point in sorted(history, key=lambda m: (m.step, m.timestamp)):
                if last_step is None or point.step > last_step:
                    last_step = point.step
                    yield MetricPoint(key=point.key, step=point.step, value=point.value)
            if run.info.status in TERMINAL_STATUSES:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise UserError("La suscripción superó su tiempo máximo; volver a suscribirse.")
            await asyncio.sleep(ctx.settings.poll_interval_s)


# --------------------------------------------------------------------------------------
# Esquema: extensiones de seguridad y medición
# --------------------------------------------------------------------------------------
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


SUGGESTION_RE = re.compile(r" Did you mean .*\?$")


class HideSuggestions(MaskErrors):
    """Quita las sugerencias ("Did you mean 'experiments'?") de los errores de validación.

    Sin introspección, esas sugerencias siguen revelando nombres del esquema a quien pruebe
    nombres parecidos; en producción se omiten y el error dice solo qué falló.
    """

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: bool(SUGGESTION_RE.search(error.message)))

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return GraphQLError(
            SUGGESTION_RE.sub("", error.message),
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions=error.extensions,
        )


class Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        # Los errores del cliente son respuestas normales: solo se registran los inesperados.
        for error in errors:
            if is_internal_error(error):
                logger.error("error interno en %s", error.path, exc_info=error.original_error)


def build_schema(settings: Settings | None = None) -> Schema:
    settings = settings or Settings()
    extensions = [
        lambda: QueryDepthLimiter(max_depth=settings.max_depth),  # consultas demasiado anidadas
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),  # documentos enormes
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),  # el mismo campo ×1000
        MlflowCallCounter,
    ]
    if settings.production:
        extensions += [
            DisableIntrospection,  # el esquema no se publica a cualquiera
            HideSuggestions,  # ni se filtra poco a poco por las sugerencias de los errores
            lambda: MaskErrors(should_mask_error=is_internal_error, error_message="Error interno."),
        ]
    return Schema(query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions)


schema = build_schema()  # el esquema "de referencia": lo exporta `export-schema`


# --------------------------------------------------------------------------------------
# Aplicación FastAPI
# --------------------------------------------------------------------------------------
class OfflineGraphiQLRouter(GraphQLRouter):
    """GraphQLRouter cuyo GraphiQL carga sus archivos JS/CSS desde este servidor.

    La página de Strawberry los pide a unpkg.com; sin internet (el aula, CI) quedaría en
    "Loading...". Si existe la copia local (`graphiql_static/`, los mismos archivos, verificados
    con los hashes SRI de la página), se reescriben las URL hacia `/graphiql-assets/`.
    """

    @property
    def graphql_ide_html(self) -> str:
        html = super().graphql_ide_html
        if GRAPHIQL_ASSETS.is_dir():
            html = html.replace("https://unpkg.com/", "/graphiql-assets/")
        return html


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Un solo cliente de MLflow y uno HTTP por proceso; cada solicitud crea su gateway.
        app.state.mlflow_client = MlflowClient(
            settings.tracking_uri, registry_uri=settings.tracking_uri
        )
        async with httpx.AsyncClient(timeout=settings.http_timeout_s) as http:
            app.state.http = http
            yield

    def get_context(connection: HTTPConnection) -> Context:
        state = connection.app.state
        return Context(settings, state.mlflow_client, state.http)

    app = FastAPI(
        title="GraphQL sobre MLflow",
        description="Servicio de la Clase 2 (MLOps II, CEIA–FIUBA).",
        version="1.0.0",
        lifespan=lifespan,
    )
    router = OfflineGraphiQLRouter(
        build_schema(settings),
        context_getter=get_context,
        graphql_ide=None if settings.production else "graphiql",
    )
    app.include_router(router, prefix="/graphql")
    if GRAPHIQL_ASSETS.is_dir() and not settings.production:
        app.mount("/graphiql-assets", StaticFiles(directory=GRAPHIQL_ASSETS), name="graphiql")
    app.state.settings = settings

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    return app


app = create_app()


if __name__ == "__main__":
    if sys.argv[1:] == ["export-schema"]:
        print(schema.as_str())
    else:
        sys.exit("Uso: python mlflow_graphql.py export-schema > schema.graphql")
