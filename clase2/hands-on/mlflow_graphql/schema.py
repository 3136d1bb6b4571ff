"""El esquema: los tipos raíz (`Query`, `Mutation`, `Subscription`) y sus extensiones.

    python -m mlflow_graphql export-schema > schema.graphql   # el SDL versionado

El SDL no depende de la configuración: las extensiones cambian cómo se ejecuta una consulta,
no qué tipos se publican.
"""

from __future__ import annotations

import logging

import strawberry

from .errors import is_internal_error
from .gateway import MlflowCallCounter
from .hardening import production_hardening, query_limits
from .mutation import Mutation
from .query import Query
from .settings import Settings
from .subscription import Subscription

logger = logging.getLogger(__name__)


class Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        # Los errores del cliente son respuestas normales: solo se registran los inesperados.
        for error in errors:
            if is_internal_error(error):
                logger.error("error interno en %s", error.path, exc_info=error.original_error)


def build_schema(settings: Settings | None = None) -> Schema:
    """El esquema con los límites de `settings` (y el endurecimiento, si es producción)."""
    settings = settings or Settings()
    extensions = [*query_limits(settings), MlflowCallCounter]
    if settings.production:
        extensions += production_hardening()
    return Schema(query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions)
