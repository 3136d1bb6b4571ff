"""Métricas Prometheus de la API (método RED: tasa, errores y duración), en ``GET /metrics``.

Los mismos nombres que la API de la Clase 1 (``iris_api/ops.py``), así las reglas de registro y
de alerta de ``stack/prometheus/rules/http_api.yml`` sirven para las dos:

- ``http_requests_total{method, route, status}``: contador de solicitudes atendidas;
- ``http_request_duration_seconds{method, route}``: histograma de su duración.

La etiqueta ``route`` es la **plantilla** de la ruta (``/v1/predict``), no la URL concreta: una
serie por ruta y no una por URL distinta (cardinalidad acotada). Cada app tiene su propio
registro (``CollectorRegistry``): dos apps en un mismo proceso (las pruebas) no mezclan cuentas.
``/metrics`` es público, como ``/health``: lo lee Prometheus, que no tiene credenciales.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

NO_ROUTE = "sin_ruta"  # lo que no coincide con ninguna ruta (404): una sola serie para todo


class Metrics:
    """El registro de una app y sus dos métricas."""

    def __init__(self) -> None:
        disable_created_metrics()  # sin series *_created: /metrics más corto y legible
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total",
            "Solicitudes HTTP atendidas",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Duración de las solicitudes HTTP",
            ["method", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: int, elapsed_s: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(elapsed_s)


router = APIRouter(tags=["operación"])


@router.get("/metrics", response_class=PlainTextResponse, summary="Métricas para Prometheus")
def metrics(request: Request) -> Response:
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


async def measure(request: Request, call_next) -> Response:
    """Middleware: cuenta y cronometra cada solicitud, también las que terminan en 500."""
    start = time.perf_counter()
    try:
        response = await call_next(request)
    except Exception:  # un error no previsto también se cuenta (como 500) antes de propagarse
        record(request, 500, time.perf_counter() - start)
        raise
    record(request, response.status_code, time.perf_counter() - start)
    return response


def record(request: Request, status: int, elapsed_s: float) -> None:
    # El enrutador deja la ruta que atendió en el scope; su `path` es la plantilla.
    route = getattr(request.scope.get("route"), "path", NO_ROUTE)
    request.app.state.metrics.observe(request.method, route, status, elapsed_s)
