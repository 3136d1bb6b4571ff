"""Errores que ve el cliente GraphQL: mensaje claro en español y un código estable.

Un error del cliente (entrada inválida, algo que no existe) no es una falla del servidor: viaja
en la lista `errors` de la respuesta (HTTP 200) con `extensions.code`, para que un programa pueda
reaccionar sin leer el texto. Una excepción inesperada de Python, en cambio, es interna: se
registra en el log y, en producción, su mensaje se enmascara (ver `hardening.py`).
"""

from __future__ import annotations

from graphql import GraphQLError


class UserError(GraphQLError):
    """Error causado por la consulta del cliente (no por el servidor): se informa tal cual."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str):
        super().__init__(message, extensions={"code": self.code})


class NotFoundError(UserError):
    """Lo pedido no existe (un run, un experimento, un modelo, una versión)."""

    code = "NOT_FOUND"


def is_internal_error(error: GraphQLError) -> bool:
    """Errores inesperados: una excepción de Python en un resolver. Los de sintaxis, validación,
    variables o del usuario (UserError) son GraphQLError y se informan tal cual."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)
