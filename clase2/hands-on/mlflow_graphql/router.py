"""El endpoint `/graphql` sobre HTTP: GraphiQL sin internet, errores de protocolo como
problem+json y un documento OpenAPI que dice todo lo que puede responder.

Un error *de GraphQL* (sintaxis, validación, un resolver que rechaza la entrada) es una
respuesta normal: HTTP 200 con la lista `errors`. Un error *de protocolo* (el cuerpo no es JSON,
falta `query`) no llega a ser una operación: Strawberry responde 400 en texto plano y aquí se
convierte al formato de errores HTTP de todo el libro (RFC 9457).

Una mutación por GET es un caso aparte. La especificación GraphQL over HTTP exige rechazarla
con **405** (*Method Not Allowed*) sin ejecutarla: GET es un método seguro, y un enlace o una
imagen de otro sitio no deben poder cambiar el registro. Strawberry (0.341) tampoco la ejecuta,
pero responde 400; aquí se corrige a 405 con `Allow: POST`, como pide HTTP (RFC 9110, §15.5.6).
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

from cross_web import HTTPException as ProtocolError
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from strawberry.fastapi import GraphQLRouter
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from .context import get_context
from .problems import TITLES_ES, problem_response, problem_responses
from .schema import Schema
from .settings import HANDS_ON

GRAPHIQL_ASSETS = HANDS_ON / "graphiql_static"  # copia local de GraphiQL (graphiql_vendor.py)
GRAPHQL_RESULT = {"application/json": {"schema": {"type": "object"}}}
GRAPHIQL_PAGE = {"text/html": {"schema": {"type": "string"}}}


class MlflowGraphQLRouter(GraphQLRouter):
    """GraphQLRouter con GraphiQL local y errores de protocolo en problem+json."""

    def __init__(self, schema: Schema, graphiql_assets: Path | None = GRAPHIQL_ASSETS, **kwargs):
        super().__init__(schema, context_getter=get_context, **kwargs)
        self.graphiql_assets = graphiql_assets
        for route in self.routes:  # declarar en OpenAPI lo que cada método puede responder
            if isinstance(route, APIRoute):
                get = "GET" in route.methods
                ok = {**GRAPHQL_RESULT, **(GRAPHIQL_PAGE if get else {})}
                route.responses = {
                    200: {"description": "Resultado GraphQL (o GraphiQL)", "content": ok},
                    **problem_responses(400, 404, *((405,) if get else ())),
                }

    @property
    def graphql_ide_html(self) -> str:
        """La página de Strawberry pide GraphiQL a unpkg.com; sin internet quedaría en
        "Loading...". Con la copia local (mismos archivos, verificados con los hashes SRI de la
        página) se reescriben las URL hacia `/graphiql-assets/`."""
        html = super().graphql_ide_html
        if self.graphiql_assets and self.graphiql_assets.is_dir():
            html = html.replace("https://unpkg.com/", "/graphiql-assets/")
        return html

    async def run(self, request, **kwargs):
        try:
            return await super().run(request, **kwargs)
        except ProtocolError as error:
            if is_mutation_over_get(error):
                detail = "Las mutaciones se envían por POST; por GET solo se aceptan consultas."
                return problem_response(405, TITLES_ES[405], detail, headers={"Allow": "POST"})
            title = TITLES_ES.get(error.status_code, HTTPStatus(error.status_code).phrase)
            return problem_response(error.status_code, title, error.reason)


def is_mutation_over_get(error: ProtocolError) -> bool:
    """¿El 400 de Strawberry se debe a una mutación enviada por GET? (su causa lo dice)."""
    cause = error.__cause__
    return (
        isinstance(cause, InvalidOperationTypeError)
        and cause.operation_type is OperationType.MUTATION
    )


def mount_graphiql_assets(app: FastAPI, assets: Path = GRAPHIQL_ASSETS) -> None:
    """Sirve la copia local de GraphiQL en `/graphiql-assets/` (si existe)."""
    if assets.is_dir():
        app.mount("/graphiql-assets", StaticFiles(directory=assets), name="graphiql")
