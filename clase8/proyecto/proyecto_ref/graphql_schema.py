"""El componente opcional GraphQL (Strawberry): el mismo modelo y la misma seguridad que REST.

    query { model { version } predict(customers: [...]) { churn probability version } }

Strawberry nombra los campos en camelCase (``tenureMonths``). Una entrada fuera de rango no
produce un 500: vuelve en ``errors`` con el campo y el motivo, validada con el mismo esquema que
REST (``schemas.PredictRequest``). Las credenciales se exigen al armar el contexto (401 antes de
ejecutar nada); los errores HTTP de Strawberry (400 con un cuerpo ilegible) salen como
problem+json, igual que en el resto de la API.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

import pandas as pd
import strawberry
from cross_web import HTTPException as StrawberryHTTPException  # la que lanza Strawberry
from fastapi import Request
from pydantic import ValidationError
from strawberry.fastapi import GraphQLRouter

from proyecto_ref import prediction
from proyecto_ref.auth import Client
from proyecto_ref.problems import TITLES_ES, ProblemError, problem_responses
from proyecto_ref.routes import served_model
from proyecto_ref.schemas import PredictRequest, explain

log = logging.getLogger(__name__)


@strawberry.type
class ModelInfo:
    name: str
    version: str
    run_id: str


@strawberry.type
class Prediction:
    churn: bool
    probability: float
    version: str


@strawberry.input
class CustomerInput:
    tenure_months: float
    monthly_charge: float
    complaints: float
    data_usage_gb: float


@strawberry.type
class Query:
    @strawberry.field(description="Modelo campeón que se está sirviendo")
    def model(self, info: strawberry.Info) -> ModelInfo:
        served = served_model(info.context["request"])
        return ModelInfo(name=served.name, version=served.version, run_id=served.run_id)

    @strawberry.field(description="Probabilidad de abandono para uno o más clientes")
    def predict(self, info: strawberry.Info, customers: list[CustomerInput]) -> list[Prediction]:
        rows = [strawberry.asdict(customer) for customer in customers]
        try:
            PredictRequest(instances=rows)
        except ValidationError as error:  # mismo esquema que REST → error GraphQL claro
            raise ValueError(explain(error)) from None
        served = served_model(info.context["request"])
        return [Prediction(**p) for p in prediction.predict(served, pd.DataFrame(rows))]


class Schema(strawberry.Schema):
    """Los errores de validación son del cliente: se registran en una línea, sin traza."""

    def process_errors(self, errors, execution_context=None) -> None:
        for error in errors:
            log.info("error GraphQL: %s", error.message)


async def graphql_context(request: Request, client: Client) -> dict:
    return {"request": request, "client": client}


class ProblemGraphQLRouter(GraphQLRouter):
    """GraphQLRouter cuyos errores HTTP (400, 405...) son problem+json en vez de texto plano."""

    async def run(self, request, context=strawberry.UNSET, root_value=strawberry.UNSET):
        try:
            return await super().run(request, context=context, root_value=root_value)
        except StrawberryHTTPException as error:
            title = TITLES_ES.get(error.status_code, HTTPStatus(error.status_code).phrase)
            raise ProblemError(error.status_code, title, error.reason) from None


def graphql_router() -> GraphQLRouter:
    """POST /graphql (sin GraphiQL: el navegador no puede mandar la clave de API)."""
    return ProblemGraphQLRouter(
        Schema(query=Query),
        path="/graphql",  # en la ruta y no como prefijo: la plantilla completa llega a /metrics
        context_getter=graphql_context,
        graphql_ide=None,
        allow_queries_via_get=False,
        responses=problem_responses(400, 401),
    )
