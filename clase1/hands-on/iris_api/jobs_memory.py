"""Trabajos en la memoria del proceso: el `JobStore` más simple (ver `jobs.py`).

Un diccionario y un hilo que ejecuta los trabajos de a uno. No depende de ningún servicio, y
por eso enseña el patrón sin ruido; pero el estado vive en UN proceso:
- con dos workers de uvicorn (o dos réplicas detrás de un balanceador), cada proceso tiene su
  diccionario y un sondeo que cae en el otro recibe 404 (notebook 06);
- un reinicio pierde todos los trabajos, y el diccionario crece sin límite.
`jobs_redis.py` tiene la misma interfaz con el estado en Redis.
"""

from __future__ import annotations

import dataclasses
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .jobs import Job, JobStatus


class MemoryJobStore:
    """Trabajos en un diccionario del proceso, ejecutados de a uno en un hilo aparte."""

    def __init__(self, predict: Callable[[np.ndarray], list[str]]):
        self._predict = predict
        self._jobs: dict[str, Job] = {}
        self._results: dict[str, list[str]] = {}
        self._by_idempotency_key: dict[str, str] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobs")

    def submit(self, rows: np.ndarray, idempotency_key: str | None) -> tuple[Job, bool]:
        """Crea un trabajo (o devuelve el existente si la clave de idempotencia se repite)."""
        with self._lock:
            if idempotency_key and idempotency_key in self._by_idempotency_key:
                return self.get(self._by_idempotency_key[idempotency_key]), False
            job = Job(job_id=uuid.uuid4().hex, n_rows=len(rows))
            self._jobs[job.job_id] = job
            if idempotency_key:
                self._by_idempotency_key[idempotency_key] = job.job_id
            accepted = dataclasses.replace(job)  # la foto de ahora: pending
        self._executor.submit(self._run, job, rows)
        return accepted, True

    def _run(self, job: Job, rows: np.ndarray) -> None:
        job.status = JobStatus.running
        try:
            self._results[job.job_id] = self._predict(rows)
            job.status = JobStatus.succeeded
        except Exception as exc:  # el error queda registrado en el trabajo, no se pierde
            job.error = f"{type(exc).__name__}: {exc}"
            job.status = JobStatus.failed

    def get(self, job_id: str) -> Job | None:
        job = self._jobs.get(job_id)
        return dataclasses.replace(job) if job else None  # una foto: el hilo sigue cambiándolo

    def results(self, job_id: str, start: int, stop: int) -> list[str]:
        return self._results[job_id][start:stop]

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
