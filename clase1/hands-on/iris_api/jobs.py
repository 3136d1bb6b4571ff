"""Trabajos asíncronos: aceptar un lote grande enseguida (202) y procesarlo aparte.

1. `POST /v1/jobs` valida, encola y responde `202 Accepted` con `Location` y un `job_id`.
   Con la cabecera `Idempotency-Key`, un reintento devuelve el mismo trabajo (no crea otro).
2. `GET /v1/jobs/{job_id}` dice el estado: `pending`, `running`, `succeeded` o `failed`.
3. `GET /v1/jobs/{job_id}/result` entrega el resultado paginado (`offset`, `limit`, `next`);
   404 si el trabajo no existe, 409 si todavía no terminó.

`JobStore` guarda los trabajos en la memoria del proceso: sirve para enseñar el patrón, pero
NO escala a varios workers (cada proceso tendría su diccionario). En producción, Redis o una
base de datos para el estado y una cola de tareas para el cómputo.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated

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
    job_id: str
    rows: np.ndarray
    status: JobStatus = JobStatus.pending
    result: list[str] = field(default_factory=list)
    error: str | None = None


class JobStore:
    """Trabajos en memoria del proceso, ejecutados de a uno en un hilo aparte."""

    def __init__(self, predict: Callable[[np.ndarray], list[str]]):
        self._predict = predict
        self._jobs: dict[str, Job] = {}
        self._by_idempotency_key: dict[str, str] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobs")

    def submit(self, rows: np.ndarray, idempotency_key: str | None) -> tuple[Job, bool]:
        """Crea un trabajo (o devuelve el existente si la clave de idempotencia se repite)."""
        with self._lock:
            if idempotency_key and idempotency_key in self._by_idempotency_key:
                return self._jobs[self._by_idempotency_key[idempotency_key]], False
            job = Job(job_id=uuid.uuid4().hex, rows=rows)
            self._jobs[job.job_id] = job
            if idempotency_key:
                self._by_idempotency_key[idempotency_key] = job.job_id
        self._executor.submit(self._run, job)
        return job, True

    def _run(self, job: Job) -> None:
        job.status = JobStatus.running
        try:
            job.result = self._predict(job.rows)
            job.status = JobStatus.succeeded
        except Exception as exc:  # el error queda registrado en el trabajo, no se pierde
            job.error = f"{type(exc).__name__}: {exc}"
            job.status = JobStatus.failed
        job.rows = np.empty((0, 4))  # liberar memoria: ya no hace falta

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


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


def get_jobs(request: Request) -> JobStore:
    return request.app.state.jobs


JobsDep = Annotated[JobStore, Depends(get_jobs)]
router = APIRouter(prefix="/v1/jobs", tags=["trabajos"], responses=problem_responses(422))


def find_job(jobs: JobStore, job_id: str) -> Job:
    job = jobs.get(job_id)
    if job is None:
        raise ProblemError(404, "Trabajo inexistente", f"No existe el trabajo '{job_id}'.")
    return job


def job_info(job: Job, status: JobStatus | None = None) -> JobInfo:
    return JobInfo(
        job_id=job.job_id,
        status=status or job.status,
        n_rows=len(job.result) if job.result else len(job.rows),
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
    total = len(job.result)
    end = min(offset + limit, total)
    next_url = f"/v1/jobs/{job_id}/result?offset={end}&limit={limit}" if end < total else None
    items = job.result[offset:end]
    return JobResultPage(
        job_id=job_id, items=items, offset=offset, limit=limit, total=total, next=next_url
    )
