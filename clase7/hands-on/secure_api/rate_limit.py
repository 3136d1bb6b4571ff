"""Límite de tasa por cliente: un *token bucket* escrito a mano (sin dependencias).

Cada cliente tiene un balde de `capacity` fichas que se recarga a `refill_per_s` fichas por
segundo; cada pedido gasta `cost` fichas (aquí, una por fila a predecir: si no, un lote de 1000
filas costaría lo mismo que una). El balde admite ráfagas cortas y, a la larga, limita el caudal
medio. Cuando no alcanzan las fichas, el pedido se rechaza sin gastar nada: **429** con
`Retry-After` (RFC 6585). El mismo mecanismo limita los intentos de inicio de sesión.

Los baldes viven en la memoria del proceso: con varios *workers*, cada uno tiene los suyos
(ejercicio 3 del notebook 1: moverlos a Redis).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from .errors import CodedProblem
from .problems import problem_responses

RATE_LIMIT_RESPONSES = problem_responses(429)


class TokenBucket:
    """Un balde con `capacity` fichas que se recarga a `refill_per_s` fichas por segundo."""

    def __init__(self, capacity: float, refill_per_s: float, now: float):
        self.capacity, self.refill_per_s = capacity, refill_per_s
        self.tokens, self.updated = capacity, now

    def take(self, cost: float, now: float) -> float:
        """Gasta `cost` fichas y devuelve 0; si no alcanzan, no gasta y devuelve cuánto esperar."""
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.refill_per_s)
        self.updated = now
        if cost <= self.tokens:
            self.tokens -= cost
            return 0.0
        if cost > self.capacity:
            return math.inf  # nunca alcanzará: el pedido es más grande que el balde
        return (cost - self.tokens) / self.refill_per_s


class RateLimiter:
    """Un balde por clave (cliente, o usuario+IP para el login), con tope de claves en memoria."""

    def __init__(
        self,
        capacity: float,
        refill_per_s: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ):
        self.capacity, self.refill_per_s, self.clock = capacity, refill_per_s, clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, key: str, cost: float = 1.0) -> float:
        """0 si el pedido pasa; si no, los segundos que hay que esperar (inf si nunca pasará)."""
        with self._lock:
            now = self.clock()
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(self.capacity, self.refill_per_s, now)
                if len(self._buckets) > self.max_keys:  # olvidar el balde menos usado
                    self._buckets.popitem(last=False)
            self._buckets.move_to_end(key)
            return bucket.take(cost, now)


def enforce_rate_limit(limiter: RateLimiter, key: str, cost: float, what: str) -> None:
    """Cobra `cost` fichas a `key`; si no alcanzan, 429 (con `Retry-After` si algún día pasará)."""
    wait = limiter.check(key, cost)
    if wait == 0:
        return
    if math.isinf(wait):
        raise CodedProblem(
            429,
            "Demasiadas solicitudes",
            f"El pedido cuesta {cost:g} fichas y la cuota admite como máximo "
            f"{limiter.capacity:g} por ráfaga: dividirlo en partes más pequeñas.",
            "exceeds_burst",
        )
    retry_after = max(1, math.ceil(wait))
    raise CodedProblem(
        429,
        "Demasiadas solicitudes",
        f"Se agotó la cuota de {what}. Reintentar en {retry_after} s.",
        "quota_exhausted",
        headers={"Retry-After": str(retry_after)},
    )
