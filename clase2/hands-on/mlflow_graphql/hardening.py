"""Límites de una consulta y endurecimiento para producción (extensiones de Strawberry).

Como el cliente decide la forma de la consulta, una consulta corta puede pedir una respuesta
enorme. Cuatro límites se verifican antes de tocar MLflow (el quinto, `first` ≤ 50, lo
verifica el resolver de `runs`):

| límite | extensión | qué corta |
|---|---|---|
| profundidad ≤ 8 | `QueryDepthLimiter` | ciclos anidados (run → experiment → runs → …) |
| *tokens* ≤ 1000 | `MaxTokensLimiter` | documentos gigantes (se corta a mitad del análisis) |
| alias ≤ 15 | `MaxAliasesLimiter` | el mismo campo caro pedido cientos de veces |
| costo ≤ 10 000 objetos | `QueryCostLimiter` (`cost.py`) | listas anidadas que se multiplican |

Con `APP_ENV=production` se agregan: sin introspección, sin sugerencias de nombres en los
errores y con los errores internos enmascarados.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from .cost import QueryCostLimiter
from .errors import is_internal_error
from .settings import Settings

SUGGESTION_RE = re.compile(r" Did you mean .*\?$")
Extension = type[SchemaExtension] | Callable[[], SchemaExtension]


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


def query_limits(settings: Settings) -> list[Extension]:
    """Límites de costo que se aplican siempre, antes de ejecutar nada."""
    return [
        lambda: QueryDepthLimiter(max_depth=settings.max_depth),  # consultas demasiado anidadas
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),  # documentos enormes
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),  # el mismo campo ×1000
        lambda: QueryCostLimiter(settings.max_cost, settings.assumed_list_size),  # listas × listas
    ]


def production_hardening() -> list[Extension]:
    """Lo que se agrega en producción: el esquema no se publica ni se filtra de a poco."""
    return [
        DisableIntrospection,  # el esquema no se publica a cualquiera
        HideSuggestions,  # ni se filtra poco a poco por las sugerencias de los errores
        lambda: MaskErrors(should_mask_error=is_internal_error, error_message="Error interno."),
    ]
