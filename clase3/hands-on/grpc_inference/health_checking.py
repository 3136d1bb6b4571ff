"""Salud con el protocolo estándar de gRPC (`grpc.health.v1.Health`).

Un orquestador (Kubernetes, un balanceador) no conoce el contrato del servicio: pregunta
`Health/Check` por el servidor en general (`""`) o por un servicio, y recibe `SERVING` o
`NOT_SERVING`. Es el equivalente gRPC de `/ready` en una API HTTP. Al apagarse, el servidor
pasa todo a `NOT_SERVING` antes de dejar de aceptar RPC, para que el balanceador lo saque.
"""

from __future__ import annotations

from collections.abc import Iterable

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

SERVICE_NAME = health.SERVICE_NAME  # "grpc.health.v1.Health", para la reflexión


def add_health(server: grpc.Server) -> health.HealthServicer:
    """Registra el servicio de salud en `server`; todo empieza sin estado (NOT_FOUND)."""
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    return health_servicer


def mark_serving(health_servicer: health.HealthServicer, services: Iterable[str]) -> None:
    """`SERVING` para el servidor en general (`""`) y para cada servicio de `services`."""
    for name in ("", *services):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)


def mark_shutting_down(health_servicer: health.HealthServicer) -> None:
    """Todo a `NOT_SERVING` (y no se acepta otro cambio): el primer paso del apagado."""
    health_servicer.enter_graceful_shutdown()
