"""Trabajos en Redis: el mismo `JobStore` que `jobs_memory.py`, con el estado compartido.

Cualquier worker o réplica ve cualquier trabajo, y una clave de idempotencia vale para todos:

| clave | tipo | contenido |
|---|---|---|
| `{prefix}job:{id}` | hash | `status`, `n_rows`, `error` |
| `{prefix}job:{id}:result` | lista | una especie por fila: cada página es un `LRANGE` |
| `{prefix}idempotency:{clave}` | texto | el `job_id`; `SET NX`: solo el primer pedido la crea |

Todas las claves vencen (`EX`/`EXPIRE`), así el almacén no crece sin límite.

El cómputo sigue en un hilo del proceso que aceptó el trabajo: si ese proceso muere a mitad de
camino, el trabajo queda `running`. En producción el cómputo va a una cola con workers propios
(Redis Streams como en la Clase 4, RQ, Celery); el estado, como aquí, a un almacén compartido.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
import redis

from .jobs import Job, JobStatus
from .problems import ProblemError

DAY = 24 * 3600
PUSH_CHUNK = 10_000  # RPUSH de a 10 000 especies: comandos de tamaño acotado


@contextmanager
def unavailable_as_503() -> Iterator[None]:
    """Redis caído no es un 500: es un 503 con el motivo (el resto de la API sigue sirviendo)."""
    try:
        yield
    except redis.RedisError as error:
        detail = f"Redis no respondió ({type(error).__name__}); reintentar más tarde."
        raise ProblemError(503, "Almacén de trabajos no disponible", detail) from None


class RedisJobStore:
    """Trabajos con el estado en Redis y el cómputo en un hilo de este proceso."""

    def __init__(
        self,
        url: str,
        predict: Callable[[np.ndarray], list[str]],
        prefix: str = "iris:",
        ttl: int = DAY,
    ):
        self._redis = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5)
        self._predict, self._prefix, self._ttl = predict, prefix, ttl
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobs")

    def _job_key(self, job_id: str) -> str:
        return f"{self._prefix}job:{job_id}"

    def submit(self, rows: np.ndarray, idempotency_key: str | None) -> tuple[Job, bool]:
        job = Job(job_id=uuid.uuid4().hex, n_rows=len(rows))
        key = self._job_key(job.job_id)
        with unavailable_as_503():
            # Primero el trabajo, después la clave: quien la gane ya tiene su hash escrito
            # (y el hash vive un minuto más que la clave: nunca apunta a un trabajo vencido).
            self._redis.hset(key, mapping={"status": job.status.value, "n_rows": job.n_rows})
            self._redis.expire(key, self._ttl + 60)
            if idempotency_key:
                # SET NX GET, atómico: crea la clave si no existe; si existe, devuelve su valor.
                claim = f"{self._prefix}idempotency:{idempotency_key}"
                winner = self._redis.set(claim, job.job_id, nx=True, get=True, ex=self._ttl)
                if winner is not None:  # otro pedido (de este u otro proceso) llegó antes
                    self._redis.delete(key)
                    return self.get(winner), False
        self._executor.submit(self._run, job.job_id, rows)
        return job, True

    def _run(self, job_id: str, rows: np.ndarray) -> None:
        key = self._job_key(job_id)
        self._redis.hset(key, "status", JobStatus.running.value)
        try:
            species = self._predict(rows)
        except Exception as exc:  # el error queda registrado en el trabajo, no se pierde
            error = f"{type(exc).__name__}: {exc}"
            self._redis.hset(key, mapping={"status": JobStatus.failed.value, "error": error})
            return
        with self._redis.pipeline() as pipe:  # MULTI/EXEC: resultado y estado, juntos
            for start in range(0, len(species), PUSH_CHUNK):
                pipe.rpush(f"{key}:result", *species[start : start + PUSH_CHUNK])
            pipe.expire(f"{key}:result", self._ttl + 60)
            pipe.hset(key, "status", JobStatus.succeeded.value)
            pipe.execute()

    def get(self, job_id: str) -> Job | None:
        with unavailable_as_503():
            fields = self._redis.hgetall(self._job_key(job_id))
        if not fields:
            return None
        return Job(
            job_id=job_id,
            n_rows=int(fields["n_rows"]),
            status=JobStatus(fields["status"]),
            error=fields.get("error"),
        )

    def results(self, job_id: str, start: int, stop: int) -> list[str]:
        with unavailable_as_503():
            return self._redis.lrange(f"{self._job_key(job_id)}:result", start, stop - 1)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._redis.close()
