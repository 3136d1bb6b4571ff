"""Detección de deriva sobre el stream: PSI en una ventana deslizante.

El PSI (*Population Stability Index*) compara la distribución de una variable en una ventana
reciente contra la de referencia (la del entrenamiento), sobre intervalos definidos por los
cuantiles de la referencia:

    PSI = Σ (pᵢ − qᵢ) · ln(pᵢ / qᵢ)      pᵢ: proporción actual, qᵢ: de referencia

Regla práctica habitual: < 0,1 estable; 0,1–0,25 cambio moderado; > 0,25 cambio importante.
"""

from __future__ import annotations

from collections import deque

import numpy as np

EPSILON = 1e-4  # evita log(0) cuando un intervalo queda vacío


def quantile_edges(reference, bins: int = 10) -> np.ndarray:
    """Los cortes internos de `bins` intervalos por cuantiles de la referencia (sin repetidos)."""
    return np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1]))


def psi(reference, current, bins: int = 10) -> float:
    """PSI de `current` respecto de `reference`, con `bins` intervalos por cuantiles."""
    reference = np.asarray(reference, dtype=float)
    current = np.asarray(current, dtype=float)
    if reference.size == 0 or current.size == 0:
        raise ValueError("PSI: la referencia y la ventana deben tener al menos un valor")
    edges = quantile_edges(reference, bins)
    expected = np.bincount(
        np.searchsorted(edges, reference, side="right"), minlength=len(edges) + 1
    )
    actual = np.bincount(np.searchsorted(edges, current, side="right"), minlength=len(edges) + 1)
    q = np.clip(expected / expected.sum(), EPSILON, None)
    p = np.clip(actual / actual.sum(), EPSILON, None)
    return float(np.sum((p - q) * np.log(p / q)))


class DriftMonitor:
    """Ventana deslizante de los últimos `window` valores de una variable y su PSI.

    `update()` agrega valores; `check()` calcula el PSI y devuelve una alerta (dict) la primera
    vez que supera `threshold`. Tras reentrenar, `rebase()` toma la ventana actual como nueva
    referencia y rearma la alarma.
    """

    def __init__(self, reference, feature: str, window: int = 500, threshold: float = 0.25):
        self.reference = np.asarray(reference, dtype=float)
        self.feature = feature
        self.window: deque[float] = deque(maxlen=window)
        self.threshold = threshold
        self.alerting = False
        self.history: list[tuple[int, float]] = []  # (posición, PSI) de cada chequeo

    def update(self, values) -> None:
        self.window.extend(float(v) for v in values)

    @property
    def latest(self) -> float | None:
        """El PSI del último chequeo (None si la ventana todavía no se llenó)."""
        return self.history[-1][1] if self.history else None

    def check(self, position: int) -> dict | None:
        if len(self.window) < self.window.maxlen:
            return None  # ventana incompleta: todavía no hay con qué comparar
        value = psi(self.reference, self.window)
        self.history.append((position, value))
        if value > self.threshold and not self.alerting:
            self.alerting = True
            return {
                "type": "drift_alert",
                "feature": self.feature,
                "psi": round(value, 4),
                "threshold": self.threshold,
                "window": len(self.window),
                "position": position,
            }
        return None

    def rebase(self) -> None:
        self.reference = np.array(self.window)
        self.alerting = False
