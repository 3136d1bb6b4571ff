"""Trabajos asíncronos: aceptar un lote grande enseguida (202) y procesarlo aparte.

1. `POST /v1/jobs` valida, encola y responde `202 Accepted` con `Location` y un `job_id`.
   Con el encabezado `Idempotency-Key`, un reintento devuelve el mismo trabajo (no crea otro).
2. `GET /v1/jobs/{job_id}` dice el estado: `pending`, `running`, `succeeded` o `failed`.
3. `GET /v1/jobs/{job_id}/result` entrega el resultado paginado (`offset`, `limit`, `next`);
   404 si el trabajo no existe, 409 si todavía no terminó.

Dónde viven los trabajos lo decide un `JobStore` (un `Protocol`: la interfaz, sin la
implementación). El router no sabe cuál usa; `create_app()` elige según `JOB_STORE`:
- `MemoryJobStore` (`jobs_memory.py`): un diccionario del proceso. Sirve con UN proceso.
- `RedisJobStore` (`jobs_redis.py`): estado compartido por todos los workers y réplicas.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Protocol

import numpy as np
from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from .contracts import MAX_BATCH_ROWS, IrisFeatures, rows_to_matrix
from .model import ModelDep
from .problems import ProblemError, problem_responses
from .responses import Species

MAX_JOB_ROWS = 100_000  # límite de un trabajo asíncrono


class JobRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rows: list[IrisFeatures] = Field(min_length=1, max_length=MAX_JOB_ROWS)


class JobStatus(StrEnum):
    pending = "pending"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


@dataclass
class Job:
    """Lo que se sabe de un trabajo sin leer su resultado (que puede tener 100 000 filas)."""

    job_id: str
    n_rows: int
    status: JobStatus = JobStatus.pending
    error: str | None = None


class JobStore(Protocol):
    """Dónde se guardan y ejecutan los trabajos (`jobs_memory.py`, `jobs_redis.py`)."""

    def submit(self, rows: np.ndarray, idempotency_key: str | None) -> tuple[Job, bool]:
        """Encola un trabajo; si la clave de idempotencia ya se usó, (ese trabajo, False)."""
        ...

    def get(self, job_id: str) -> Job | None: ...

    def results(self, job_id: str, start: int, stop: int) -> list[str]:
        """Las especies de las filas [start, stop) de un trabajo terminado."""
        ...

    def shutdown(self) -> None: ...


# ------------------------------------------------------------------------- HTTP
class JobInfo(BaseModel):
    job_id: str
    status: JobStatus
    n_rows: int
    status_url: str
    result_url: str
    error: str | None = None


class JobResultPage(BaseModel):
    job_id: str
    items: list[Species]
    offset: int
    limit: int
    total: int
    next: str | None = Field(description="URL de la página siguiente, o null si no hay más")


async def get_jobs(request: Request) -> JobStore:  # async: sin pasar por el pool
    return request.app.state.jobs


JobsDep = Annotated[JobStore, Depends(get_jobs)]
# 422: entrada inválida; 503: el almacén de trabajos (Redis) no responde.
router = APIRouter(prefix="/v1/jobs", tags=["trabajos"], responses=problem_responses(422, 503))


def find_job(jobs: JobStore, job_id: str) -> Job:
    job = jobs.get(job_id)
    if job is None:
        raise ProblemError(404, "Trabajo inexistente", f"No existe el trabajo '{job_id}'.")
    return job


def job_info(job: Job, status: JobStatus | None = None) -> JobInfo:
    return JobInfo(
        job_id=job.job_id,
        status=status or job.status,
        n_rows=job.n_rows,
        status_url=f"/v1/jobs/{job.job_id}",
        result_url=f"/v1/jobs/{job.job_id}/result",
        error=job.error,
    )


@router.post("", status_code=202, responses=problem_responses(503))
def create_job(
    job_request: JobRequest,
    model: ModelDep,  # sin modelo, 503 ahora y no un trabajo que falla después
    jobs: JobsDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JobInfo:
    job, created = jobs.submit(rows_to_matrix(job_request.rows), idempotency_key)
    response.headers["Location"] = f"/v1/jobs/{job.job_id}"
    return job_info(job, status=JobStatus.pending if created else job.status)


@router.get("/{job_id}", responses=problem_responses(404))
def get_job(job_id: str, jobs: JobsDep) -> JobInfo:
    return job_info(find_job(jobs, job_id))


@router.get("/{job_id}/result", responses=problem_responses(404, 409))
def get_job_result(
    job_id: str,
    jobs: JobsDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_BATCH_ROWS)] = 1000,
) -> JobResultPage:
    job = find_job(jobs, job_id)
    if job.status is not JobStatus.succeeded:
        detail = f"El trabajo está '{job.status.value}'; reintentar más tarde."
        raise ProblemError(409, "Resultado no disponible", detail)
    total = job.n_rows
    end = min(offset + limit, total)
    next_url = f"/v1/jobs/{job_id}/result?offset={end}&limit={limit}" if end < total else None
    items = jobs.results(job_id, offset, end) if offset < end else []
    return JobResultPage(
        job_id=job_id, items=items, offset=offset, limit=limit, total=total, next=next_url
    )
