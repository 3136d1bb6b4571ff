"""Auditoría: quién llamó a qué, con qué resultado y con qué versión del modelo.

Un middleware agrega un registro por cada pedido a `/v1`, `/admin` y `/token`, **también los
rechazados** (un 401 anónimo o un 403 de alguien autenticado son lo que se busca al investigar).
Guarda un resumen de la entrada (filas y una huella SHA-256 truncada), nunca los datos: la
auditoría no debe convertirse en una segunda copia de datos potencialmente personales.
Los registros quedan en memoria (los últimos 10 000) y, si se configura, en un archivo JSONL de
solo anexado; `GET /admin/audit` (scope `admin`) los consulta.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import uuid
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import numpy as np
from fastapi import APIRouter, Query, Request

from .auth import AUTH_RESPONSES, AdminPrincipal
from .problems import problem_responses
from .schemas import AuditPage

logger = logging.getLogger("secure_api.audit")
AUDITED_PREFIXES = ("/v1/", "/admin/", "/token")


class AuditLog:
    """Registro de auditoría en memoria (últimos `maxlen`) y, si se pide, en un archivo JSONL."""

    def __init__(self, path: Path | None = None, maxlen: int = 10_000):
        self.path = path
        self._records: deque[dict] = deque(maxlen=maxlen)
        self._lock = threading.Lock()

    def append(self, record: dict) -> None:
        with self._lock:
            self._records.append(record)
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a") as fh:
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")

    def tail(self, limit: int, client: str | None = None) -> list[dict]:
        with self._lock:
            records = [r for r in self._records if client is None or r["client"] == client]
        return records[-limit:]


def remember_input(request: Request, matrix: np.ndarray) -> None:
    """La auditoría guarda un resumen del pedido (filas y huella), nunca los datos."""
    digest = hashlib.sha256(np.ascontiguousarray(matrix, dtype=np.float64).tobytes()).hexdigest()
    request.state.audit_extra = {"n_rows": int(matrix.shape[0]), "input_sha256": digest[:16]}


def audit_record(request: Request, status: int, request_id: str) -> dict:
    """Un registro: momento, pedido, quién y cómo, resultado, modelo y resumen de la entrada."""
    principal = getattr(request.state, "principal", None)
    model = request.app.state.model
    outcome = getattr(request.state, "problem_code", None)
    return {
        "ts": datetime.now(UTC).isoformat(timespec="seconds"),
        "request_id": request_id,
        "client": principal.subject if principal else None,
        "auth": principal.method if principal else None,
        "method": request.method,
        "path": request.url.path,
        "status": status,
        "outcome": outcome or ("ok" if status < 400 else "error"),
        "model_version": model.version if model else None,
        "n_rows": None,
        "input_sha256": None,
        **getattr(request.state, "audit_extra", {}),
    }


async def audit_requests(request: Request, call_next):
    """Middleware: un registro por pedido a /v1, /admin y /token (también los rechazos)."""
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    response = await call_next(request)
    response.headers["X-Request-ID"] = request_id
    if request.url.path.startswith(AUDITED_PREFIXES):
        record = audit_record(request, response.status_code, request_id)
        request.app.state.audit.append(record)
        logger.info(json.dumps(record, ensure_ascii=False))
    return response


router = APIRouter(
    prefix="/admin", tags=["administración"], responses=AUTH_RESPONSES | problem_responses(422)
)


@router.get("/audit")
def read_audit(
    principal: AdminPrincipal,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    client: str | None = None,
) -> AuditPage:
    """Últimos registros de auditoría (opcionalmente, de un solo cliente)."""
    records = request.app.state.audit.tail(limit, client)
    return AuditPage(count=len(records), records=records)
