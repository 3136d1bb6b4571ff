"""Costo de una consulta: cuántos objetos puede devolver, estimado sin ejecutarla.

Los límites de profundidad, *tokens* y alias miran la forma del documento, y ninguno ve que
`runs(first: 50)` dentro de otra lista multiplica el trabajo por 50. El análisis de costo
estático (Cha et al., 2020) recorre la selección con el esquema en la mano y acota cuántos
objetos puede traer la respuesta:

- un campo que devuelve un objeto cuenta 1 por cada vez que puede aparecer;
- una lista cuenta su tamaño máximo: el argumento `first` (el de la consulta o, si no está, su
  valor por defecto en el esquema) o, si la lista no tiene tope, `assumed_list_size`;
- en una conexión (`runs(first: n) { nodes { ... } }`) el `first` del campo acota sus `nodes`;
- los escalares no suman: viajan dentro del objeto que ya se contó;
- lo que `@skip`/`@include` podrían omitir se cuenta igual: la estimación es una cota superior.

`QueryCostLimiter` aplica la estimación en cada pedido, después de la validación (con las
variables ya disponibles) y antes de ejecutar: una consulta que supera el presupuesto recibe un
error claro y ningún resolver corre, así que no hay ninguna llamada a MLflow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_composite_type,
    is_list_type,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

SIZE_ARGUMENT = "first"  # el argumento que acota una lista o la página de una conexión
CONNECTION_LIST = "nodes"  # la lista de una conexión: la acota el `first` del campo padre


@dataclass(frozen=True)
class CostWalk:
    """Un recorrido de la selección de una operación, con sus fragmentos y sus variables."""

    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    assumed_list_size: int

    def selection(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType,
        times: int,
        page: int | None,
    ) -> int:
        """Costo de una selección que aparece `times` veces; `page`: el `first` del padre."""
        total = 0
        for node in selection_set.selections if selection_set else ():
            if isinstance(node, FieldNode):
                total += self.field(node, parent, times, page)
                continue
            # Un fragmento (`...Tags` o `... on Run`): su selección, sobre su tipo.
            spread = isinstance(node, FragmentSpreadNode)
            fragment = self.fragments[node.name.value] if spread else node
            condition = fragment.type_condition
            on_type = self.schema.get_type(condition.name.value) if condition else parent
            total += self.selection(fragment.selection_set, on_type, times, page)
        return total

    def field(self, node: FieldNode, parent: GraphQLNamedType, times: int, page: int | None) -> int:
        definition = getattr(parent, "fields", {}).get(node.name.value)
        if definition is None:  # __typename, __schema...: metadatos, no datos
            return 0
        field_type = get_nullable_type(definition.type)
        named = get_named_type(field_type)
        if not is_composite_type(named):
            return 0  # un escalar viaja dentro del objeto que ya se contó
        first = self.size_argument(node, definition)
        if is_list_type(field_type):
            bounded_by_parent = node.name.value == CONNECTION_LIST and page
            size = page if bounded_by_parent else (first or self.assumed_list_size)
            count, child_page = times * size, None
        else:  # un objeto; si es una conexión, su `first` acota la lista `nodes` de adentro
            count, child_page = times, first
        return count + self.selection(node.selection_set, named, count, child_page)

    def size_argument(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """El valor de `first` (literal, variable o el valor por defecto del esquema)."""
        if SIZE_ARGUMENT not in definition.args:
            return None
        given = next((a for a in node.arguments or () if a.name.value == SIZE_ARGUMENT), None)
        value = value_from_ast_untyped(given.value, self.variables) if given else None
        if not isinstance(value, int):
            value = definition.args[SIZE_ARGUMENT].default_value
        return value if isinstance(value, int) and value > 0 else None


def estimate_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
    assumed_list_size: int = 10,
) -> int:
    """Cota superior de los objetos que puede devolver la operación, sin ejecutarla."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0  # no hay operación que ejecutar: la validación ya lo informó
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = CostWalk(schema, fragments, with_defaults(operation, variables), assumed_list_size)
    root = schema.get_root_type(operation.operation)
    return walk.selection(operation.selection_set, root, 1, None)


def with_defaults(operation: OperationDefinitionNode, variables: Mapping | None) -> dict:
    """Las variables recibidas, más los valores por defecto declarados en la operación."""
    values = {
        d.variable.name.value: value_from_ast_untyped(d.default_value)
        for d in operation.variable_definitions or ()
        if d.default_value is not None
    }
    return {**values, **(variables or {})}


class QueryCostLimiter(SchemaExtension):
    """Rechaza, antes de ejecutar, las operaciones cuyo costo estimado supera `max_cost`."""

    def __init__(self, max_cost: int, assumed_list_size: int = 10):
        self.max_cost = max_cost
        self.assumed_list_size = assumed_list_size

    def on_execute(self):
        context = self.execution_context
        cost = estimate_cost(
            context.schema._schema,  # el esquema de graphql-core que Strawberry construyó
            context.graphql_document,
            context.variables,
            context.operation_name,
            self.assumed_list_size,
        )
        if cost > self.max_cost:
            # Un resultado ya puesto hace que Strawberry no ejecute la operación.
            context.result = ExecutionResult(data=None, errors=[self.too_costly(cost)])
        yield

    def too_costly(self, cost: int) -> GraphQLError:
        return GraphQLError(
            f"Consulta demasiado costosa: puede devolver hasta {thousands(cost)} objetos y el "
            f"máximo es {thousands(self.max_cost)}. Pedir páginas más pequeñas (`first`) o menos "
            "niveles anidados.",
            extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "maxCost": self.max_cost},
        )


def thousands(number: int) -> str:
    """51020 → '51.020' (separador de miles del español)."""
    return f"{number:,}".replace(",", ".")
