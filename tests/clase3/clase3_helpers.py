"""Ayudas de las pruebas de la Clase 3 (nombre propio: no confundirse con otro conftest)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from sklearn.datasets import load_iris

HANDS_ON = Path(__file__).resolve().parents[2] / "clase3" / "hands-on"
SETOSA = [5.1, 3.5, 1.4, 0.2]


def rows(n: int, seed: int = 0) -> np.ndarray:
    """`n` flores de iris elegidas al azar, con semilla."""
    data = load_iris().data
    return data[np.random.default_rng(seed).integers(0, len(data), size=n)]


def wait_until(predicate, timeout: float = 3.0) -> bool:
    """Espera (con límite) a que el servidor registre en su hilo lo que pasó."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
