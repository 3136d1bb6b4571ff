"""Tipos que comparten todos los dominios: enumeraciones, pares clave/valor, métricas y la
interfaz `Tagged` (toda entidad de MLflow con etiquetas de usuario)."""

from __future__ import annotations

import enum

import strawberry


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
    """Las etiquetas de usuario, ordenadas; las `mlflow.*` son del sistema y no se publican."""
    return [
        KeyValue(key=k, value=v) for k, v in sorted(tags.items()) if not k.startswith("mlflow.")
    ]


def metric_points(history: list) -> list[MetricPoint]:
    """El historial de una métrica de MLflow, ordenado por paso (y por momento, a igual paso)."""
    return [
        MetricPoint(key=m.key, step=m.step, value=m.value)
        for m in sorted(history, key=lambda m: (m.step, m.timestamp))
    ]
