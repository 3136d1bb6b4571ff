"""Observabilidad: métricas Prometheus (método RED) y un log JSON por solicitud.

- `Metrics`: un registro por app (se pueden crear varias apps en un proceso) con
  `http_requests_total`, `http_request_duration_seconds` y `model_predicted_rows_total`.
- `router`: `GET /metrics`, el texto que Prometheus "raspa".
- `log_and_measure`: middleware que asigna un `X-Request-ID`, mide la duración, actualiza
  las métricas y escribe una línea JSON en el logger `iris_api.access`.
"""

from __future__ import annotations

import json
import logging
import time
import uuid

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

access_log = logging.getLogger("iris_api.access")


class Metrics:
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
        self.predicted_rows = Counter(
            "model_predicted_rows_total",
            "Filas predichas por el modelo",
            ["model_version", "api_version"],
            registry=self.registry,
        )


router = APIRouter(tags=["operación"])


@router.get("/metrics", response_class=PlainTextResponse, summary="Métricas para Prometheus")
def metrics(request: Request) -> Response:
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


async def log_and_measure(request: Request, call_next) -> Response:
    """Middleware: id de solicitud, un log JSON por solicitud y métricas RED."""
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    start = time.perf_counter()
    try:
        response = await call_next(request)
    except Exception:  # un error no previsto (500) también se cuenta y se registra
        observe(request, request_id, 500, time.perf_counter() - start)
        raise
    observe(request, request_id, response.status_code, time.perf_counter() - start)
    response.headers["X-Request-ID"] = request_id
    return response


def observe(request: Request, request_id: str, status: int, elapsed: float) -> None:
    """Actualiza las métricas y escribe la línea de log de una solicitud."""
    # La ruta como plantilla (/v1/jobs/{job_id}), no la URL concreta: evita explotar
    # la cantidad de series en Prometheus (cardinalidad).
    route = getattr(request.scope.get("route"), "path", "sin_ruta")
    metrics_ = request.app.state.metrics
    metrics_.requests.labels(request.method, route, str(status)).inc()
    metrics_.latency.labels(request.method, route).observe(elapsed)
    model = request.app.state.model
    line = {
        "request_id": request_id,
        "method": request.method,
        "route": route,
        "status": status,
        "latency_ms": round(elapsed * 1000, 2),
        "model_version": model.version if model else None,
    }
    access_log.info(json.dumps(line))
