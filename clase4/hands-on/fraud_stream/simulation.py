"""Transacciones simuladas con una regla de fraude conocida (así se mide el efecto de la deriva).

La probabilidad de fraude crece con el monto *relativo al monto típico del momento*, con las
compras de madrugada, con la distancia al domicilio y con el riesgo del comercio. Con "inflación"
(``amount_scale`` > 1) los montos suben pero la regla sigue siendo relativa: un modelo entrenado
antes ve todo como caro y se equivoca.
"""

from __future__ import annotations

import math

import numpy as np

# Campos numéricos de una transacción: los valida el consumidor y los usa el modelo.
FIELDS = ("amount", "hour", "distance_km", "merchant_risk")
TYPICAL_AMOUNT = 50.0


def simulate(n: int, seed: int = 0, amount_scale: float = 1.0) -> dict[str, np.ndarray]:
    """`n` transacciones simuladas (columnas de FIELDS más `label`), reproducibles por `seed`."""
    rng = np.random.default_rng(seed)
    amount = np.round(rng.lognormal(math.log(TYPICAL_AMOUNT), 0.8, n) * amount_scale, 2)
    hour = rng.integers(0, 24, n)
    distance_km = np.round(rng.exponential(10.0, n), 2)
    merchant_risk = np.round(rng.beta(2, 8, n), 3)
    logit = (
        -3.0
        + 2.2 * np.log(amount / (TYPICAL_AMOUNT * amount_scale))
        + 1.5 * (hour < 6)
        + 0.05 * distance_km
        + 6.0 * (merchant_risk - 0.2)
    )
    label = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return {
        "amount": amount,
        "hour": hour,
        "distance_km": distance_km,
        "merchant_risk": merchant_risk,
        "label": label,
    }
