"""El endpoint `/graphql` sobre HTTP: GraphiQL sin internet, errores de protocolo como
problem+json y un documento OpenAPI que dice todo lo que puede responder.

Un error *de GraphQL* (sintaxis, validación, un resolver que rechaza la entrada) es una
respuesta normal: HTTP 200 con la lista `errors`. Un error *de protocolo* (el cuerpo no es JSON,
falta `query`, una mutación por GET) no llega a ser una operación: Strawberry responde 400 en
texto plano y aquí se convierte al formato de errores HTTP de todo el libro (RFC 9457).
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

from cross_web import HTTPException as ProtocolError
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from strawberry.fastapi import GraphQLRouter

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
                ok = {**GRAPHQL_RESULT, **(GRAPHIQL_PAGE if "GET" in route.methods else {})}
                route.responses = {
                    200: {"description": "Resultado GraphQL (o GraphiQL)", "content": ok},
                    **problem_responses(400, 404),
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
            title = TITLES_ES.get(error.status_code, HTTPStatus(error.status_code).phrase)
            return problem_response(error.status_code, title, error.reason)


def mount_graphiql_assets(app: FastAPI, assets: Path = GRAPHIQL_ASSETS) -> None:
    """Sirve la copia local de GraphiQL en `/graphiql-assets/` (si existe)."""
    if assets.is_dir():
        app.mount("/graphiql-assets", StaticFiles(directory=assets), name="graphiql")
