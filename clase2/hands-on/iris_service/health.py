"""Salud y preparación de un servicio: las dos preguntas que hace el orquestador.

- `GET /health` (liveness): ¿el proceso está vivo? Responde `{"status": "ok"}` siempre que
  el proceso atienda. Nunca mira el modelo: si el modelo falta, reiniciar no lo arregla.
- `GET /ready` (readiness): ¿se le puede mandar tráfico? `{"status": "ready", ...}` con
  detalles, o 503 problem+json con el motivo mientras no lo esté (el balanceador lo saca).

Archivo compartido entre capítulos: esta copia (Clase 1) es la canónica y se copia tal cual
en cada servicio que la usa; `tests/test_code_shape.py` falla si una copia se aparta.

Uso:
    def model_loaded(request: Request) -> dict:
        if request.app.state.model is None:
            raise NotReady("el modelo todavía no se cargó")
        return {"model_version": request.app.state.model.version}

    app.include_router(health_router(model_loaded))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict

from .problems import ProblemError, problem_responses


class NotReady(Exception):
    """La lanza el chequeo de preparación con el motivo (lo ve quien llama a /ready)."""


class Liveness(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    model_config = ConfigDict(extra="allow")  # cada servicio agrega sus detalles
    status: Literal["ready"] = "ready"


# Devuelve detalles para mostrar si el servicio está listo; si no, lanza NotReady.
ReadinessCheck = Callable[[Request], dict]


def health_router(readiness: ReadinessCheck) -> APIRouter:
    """Router con /health y /ready; `readiness` decide si el servicio puede recibir tráfico."""
    router = APIRouter(tags=["operación"])

    @router.get("/health", summary="Liveness: el proceso responde")
    def health() -> Liveness:
        return Liveness()

    @router.get(
        "/ready", summary="Readiness: puede recibir tráfico", responses=problem_responses(503)
    )
    def ready(request: Request) -> Readiness:
        try:
            details = readiness(request)
        except NotReady as reason:
            raise ProblemError(503, "No está listo", str(reason)) from None
        return Readiness(**details)

    return router
