"""Filtro y orden tipados de runs, y su traducción al lenguaje de búsqueda de MLflow.

El cliente nunca escribe el lenguaje de filtros de MLflow: envía un `RunFilter` (condiciones
sobre estado, parámetros, etiquetas y umbrales de métricas, combinadas con AND) y una lista de
`RunOrder`. El servidor valida cada clave y cada valor antes de armar el texto del filtro, igual
que una consulta SQL parametrizada evita la inyección.
"""

from __future__ import annotations

import strawberry

from .errors import UserError
from .types.common import RunStatus, SortDirection
from .validation import check_name


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


def quoted(value: str) -> str:
    if "'" in value:
        raise UserError(f"El valor {value!r} no puede contener comillas simples.")
    return f"'{value}'"


def metric_clauses(threshold: MetricThreshold) -> list[str]:
    key = check_name(threshold.key, "Nombre de métrica")
    if threshold.min is None and threshold.max is None:
        raise UserError(f"El umbral de '{key}' necesita `min`, `max` o ambos.")
    clauses = []
    if threshold.min is not None:
        clauses.append(f"metrics.`{key}` >= {threshold.min!r}")
    if threshold.max is not None:
        clauses.append(f"metrics.`{key}` <= {threshold.max!r}")
    return clauses


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
        clauses += metric_clauses(threshold)
    return " and ".join(clauses)


def to_mlflow_order(order_by: list[RunOrder] | None) -> list[str]:
    """Lista de RunOrder → `order_by` de MLflow, con desempate por nombre: orden total."""
    order = [
        f"metrics.`{check_name(o.metric, 'Nombre de métrica')}` {o.direction.value}"
        for o in order_by or []
    ]
    order.append("attributes.run_name ASC")  # desempate: el orden siempre es total y estable
    return order
