"""Los datos de la Clase 6 y cómo se reparten entre clientes.

- `load_digits_split`: dígitos manuscritos de 8×8 de scikit-learn, con una escala fija;
- `iid_partition` y `dirichlet_partition`: clientes con datos IID o con heterogeneidad
  estadística (Hsu et al., 2019);
- `save_partition`: los datos de un cliente en un .npz, lo único que lee su SuperNode.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

Dataset = tuple[np.ndarray, np.ndarray]  # (X, y)


def load_digits_split(test_size: float = 0.25, seed: int = 0) -> tuple[Dataset, Dataset]:
    """Dígitos manuscritos de 8×8 (scikit-learn), escalados a [0, 1] y separados en
    entrenamiento y prueba estratificados.

    El escalado es fijo (dividir por 16, el máximo de un píxel) y no depende de los datos:
    así ningún cliente necesita estadísticas globales (media, desvío) que no tiene.
    """
    from sklearn.datasets import load_digits  # import diferido: importar el módulo es barato
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X = digits.data.astype(np.float64) / 16.0
    X_train, X_test, y_train, y_test = train_test_split(
        X, digits.target, test_size=test_size, stratify=digits.target, random_state=seed
    )
    return (X_train, y_train), (X_test, y_test)


def iid_partition(y: np.ndarray, n_clients: int, seed: int = 0) -> list[np.ndarray]:
    """Reparte los índices al azar en `n_clients` partes de igual tamaño (±1)."""
    order = np.random.default_rng(seed).permutation(len(y))
    return [np.sort(part) for part in np.array_split(order, n_clients)]


def dirichlet_partition(
    y: np.ndarray, n_clients: int, alpha: float, seed: int = 0, min_size: int = 10
) -> list[np.ndarray]:
    """Partición no IID: para cada clase, la fracción que recibe cada cliente sale de una
    Dirichlet(alpha). Con alpha pequeño cada cliente ve pocas clases; con alpha grande la
    partición se parece a la IID. Se repite el sorteo hasta que cada cliente tenga al menos
    `min_size` ejemplos (como en Hsu et al., 2019)."""
    rng = np.random.default_rng(seed)
    classes = np.unique(y)
    for _ in range(1000):
        parts: list[list[int]] = [[] for _ in range(n_clients)]
        for c in classes:
            idx = rng.permutation(np.flatnonzero(y == c))
            shares = rng.dirichlet(np.full(n_clients, alpha))
            cuts = (np.cumsum(shares)[:-1] * len(idx)).astype(int)
            for client, chunk in enumerate(np.split(idx, cuts)):
                parts[client].extend(chunk.tolist())
        if min(len(p) for p in parts) >= min_size:
            return [np.sort(np.array(p, dtype=int)) for p in parts]
    raise RuntimeError(f"no se logró una partición con al menos {min_size} ejemplos por cliente")


def label_histogram(y: np.ndarray, parts: Sequence[np.ndarray], n_classes: int) -> np.ndarray:
    """Matriz clientes × clases con la cantidad de ejemplos de cada clase en cada cliente."""
    return np.stack([np.bincount(y[p], minlength=n_classes) for p in parts])


def save_partition(path: str | os.PathLike, X: np.ndarray, y: np.ndarray) -> Path:
    """Los datos de un cliente (o la prueba del servidor) en un .npz con las claves X e y."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, X=X, y=y)
    return path
