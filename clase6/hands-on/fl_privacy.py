"""Privacidad diferencial a nivel de cliente para FedAvg (DP-FedAvg) en la Clase 6.

El mecanismo tiene dos pasos (McMahan et al., 2018; Geyer et al., 2017):

1. recorte: cada actualización se escala para que su norma L2 no supere C, lo que acota
   cuánto puede mover un cliente el promedio (la sensibilidad);
2. ruido: al promedio se le suma ruido gaussiano de desvío σ·C/n.

`gaussian_rdp_epsilon` convierte σ y la cantidad de rondas en la garantía (ε, δ) con la
privacidad diferencial de Rényi (Mironov, 2017).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from fl_model import Params, flatten, stack_updates, unflatten


def clip_by_l2(update: Params, max_norm: float) -> Params:
    """Escala la actualización para que su norma L2 (sobre todos los parámetros) no supere
    `max_norm`. Es lo que acota la influencia de un cliente (la sensibilidad)."""
    norm = float(np.linalg.norm(flatten(update)))
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return [p * factor for p in update]


def dp_mean(
    updates: Sequence[Params], max_norm: float, noise_multiplier: float, seed: int = 0
) -> Params:
    """DP-FedAvg (McMahan et al., 2018): recorta cada actualización a `max_norm`, promedia
    con pesos iguales y suma ruido gaussiano de desvío noise_multiplier·max_norm/n."""
    clipped = [clip_by_l2(u, max_norm) for u in updates]
    n = len(clipped)
    # pesos iguales: la sensibilidad del promedio es C/n, declare cada cliente lo que declare
    mean = (np.ones(n) / n) @ stack_updates(clipped)
    std = noise_multiplier * max_norm / n
    noisy = mean + np.random.default_rng(seed).normal(0.0, std, size=mean.shape)
    return unflatten(noisy, updates[0])


def gaussian_rdp_epsilon(noise_multiplier: float, rounds: int, delta: float = 1e-5) -> float:
    """Épsilon de (ε, δ)-DP tras `rounds` aplicaciones del mecanismo gaussiano con
    sensibilidad 1 y desvío `noise_multiplier` (sin amplificación por muestreo).

    Cada ronda cumple (α, α/(2σ²))-RDP; T rondas suman Tα/(2σ²) (Mironov, 2017) y la
    conversión a (ε, δ) es ε = RDP(α) + log(1/δ)/(α − 1), minimizada sobre α > 1.
    """
    if noise_multiplier <= 0:
        return float("inf")
    alphas = np.concatenate([np.linspace(1.01, 10, 500), np.linspace(10, 1000, 2000)])
    eps = rounds * alphas / (2 * noise_multiplier**2) + np.log(1 / delta) / (alphas - 1)
    return float(eps.min())
