"""Agregación robusta para la Clase 6: reglas que toleran clientes que mienten.

La media de FedAvg tiene punto de quiebre cero: un único cliente que envía una
actualización arbitraria lleva el promedio a cualquier lado. Estas reglas reemplazan la media
por un estimador que ignora los valores extremos:

- `coordinate_median` y `trimmed_mean`: por coordenada (Yin et al., 2018);
- `krum`: elige la actualización más cercana a sus vecinas (Blanchard et al., 2017).

Todas ignoran los pesos por tamaño: un cliente que declara muchos ejemplos no gana más voto.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from fl_model import Params, stack_updates, unflatten


def coordinate_median(updates: Sequence[Params]) -> Params:
    """Mediana coordenada a coordenada (Yin et al., 2018): ignora el tamaño de los datos."""
    return unflatten(np.median(stack_updates(updates), axis=0), updates[0])


def trimmed_mean(updates: Sequence[Params], beta: float) -> Params:
    """Media recortada por coordenada: descarta los floor(beta·n) valores más pequeños y los
    floor(beta·n) más grandes de cada coordenada y promedia el resto."""
    stacked = stack_updates(updates)
    n = len(stacked)
    k = int(np.floor(beta * n))
    if not 0 <= beta < 0.5 or n - 2 * k < 1:
        raise ValueError(f"beta={beta} deja sin valores para promediar con {n} clientes")
    kept = np.sort(stacked, axis=0)[k : n - k]
    return unflatten(kept.mean(axis=0), updates[0])


def krum(updates: Sequence[Params], n_malicious: int) -> Params:
    """Krum (Blanchard et al., 2017): elige la actualización cuya suma de distancias al
    cuadrado a sus n − f − 2 vecinas más cercanas es mínima."""
    stacked = stack_updates(updates)
    n = len(stacked)
    closest = n - n_malicious - 2
    if closest < 1:
        raise ValueError(f"Krum necesita n > f + 2 (n={n}, f={n_malicious})")
    sq_dist = ((stacked[:, None, :] - stacked[None, :, :]) ** 2).sum(axis=2)
    scores = [np.sort(np.delete(row, i))[:closest].sum() for i, row in enumerate(sq_dist)]
    return unflatten(stacked[int(np.argmin(scores))], updates[0])
