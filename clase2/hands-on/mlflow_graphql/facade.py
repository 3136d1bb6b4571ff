"""GraphQL como fachada: un campo que junta el registro de MLflow con la API de predicción.

`deployment(model)` responde "¿producción sirve el modelo que aprobamos?" con tres fuentes: el
modelo registrado y su versión `champion` (MLflow) y el `/ready` de la API de predicción
(`iris_service/`, por HTTP). Las tres se consultan a la vez, y la caída de la API degrada la
respuesta (un estado explícito) en vez de romperla o colgarla.
"""

from __future__ import annotations

import asyncio

import httpx
import strawberry
from mlflow.exceptions import MlflowException

from .context import Info
from .gateway import fetch_registered_model
from .types.registry import ModelVersion, RegisteredModel


@strawberry.type(description="Estado de la API de predicción, visto por la fachada.")
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
    """Consulta /ready de la API de predicción. Si no responde, lo dice: nunca cuelga."""
    try:
        response = await http.get(f"{base_url}/ready")
    except httpx.HTTPError as exc:
        timeout = isinstance(exc, httpx.TimeoutException)
        reason = "tiempo agotado" if timeout else "no se pudo conectar"
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


async def resolve_deployment(info: Info, model: str) -> Deployment:
    """Resolver de `Query.deployment`: MLflow y la API de predicción, en paralelo."""
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
