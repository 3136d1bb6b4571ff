"""Núcleo NumPy del aprendizaje federado de la Clase 6.

Todo lo que necesitan los notebooks, el ClientApp y el ServerApp de Flower, sin más
dependencias que NumPy (scikit-learn se importa solo dentro de `load_digits_split`):

- el modelo: regresión logística multinomial (softmax) con parámetros `[W, b]`;
- el entrenamiento local con SGD por mini-lotes, con el término proximal de FedProx;
- las particiones de datos entre clientes: IID y no IID con una distribución de Dirichlet;
- las reglas de agregación del servidor: media ponderada (FedAvg), mediana por coordenada,
  media recortada y Krum;
- la privacidad diferencial: recorte de la norma L2 más ruido gaussiano, y la cuenta de
  privacidad (épsilon) con Rényi DP;
- un bucle de rondas federadas (`run_federated`) con ganchos para ataques y defensas.

    python fl_core.py --help
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

Params = list[np.ndarray]  # [W (n_features × n_classes), b (n_classes)]
Dataset = tuple[np.ndarray, np.ndarray]  # (X, y)


# --------------------------------------------------------------------------------------
# Datos
# --------------------------------------------------------------------------------------
def load_digits_split(test_size: float = 0.25, seed: int = 0) -> tuple[Dataset, Dataset]:
    """Dígitos manuscritos de 8×8 (scikit-learn), escalados a [0, 1] y separados en
    entrenamiento y prueba estratificados.

    El escalado es fijo (dividir por 16, el máximo de un píxel) y no depende de los datos:
    así ningún cliente necesita estadísticas globales (media, desvío) que no tiene.
    """
    from sklearn.datasets import load_digits  # import diferido: el ClientApp no lo necesita
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
    Dirichlet(alpha). Con alpha chico cada cliente ve pocas clases; con alpha grande la
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


# --------------------------------------------------------------------------------------
# Modelo: regresión logística multinomial
# --------------------------------------------------------------------------------------
def init_params(n_features: int, n_classes: int) -> Params:
    """Parámetros iniciales en cero (el problema es convexo: no hace falta azar)."""
    return [np.zeros((n_features, n_classes)), np.zeros(n_classes)]


def predict_proba(params: Params, X: np.ndarray) -> np.ndarray:
    W, b = params
    logits = X @ W + b
    logits -= logits.max(axis=1, keepdims=True)  # estabilidad numérica
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def predict(params: Params, X: np.ndarray) -> np.ndarray:
    return np.argmax(X @ params[0] + params[1], axis=1)


def accuracy(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(predict(params, X) == y))


def log_loss(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    proba = predict_proba(params, X)
    return float(-np.mean(np.log(proba[np.arange(len(y)), y] + 1e-12)))


def gradients(params: Params, X: np.ndarray, y: np.ndarray) -> Params:
    """Gradiente de la entropía cruzada media respecto de W y b."""
    error = predict_proba(params, X)
    error[np.arange(len(y)), y] -= 1.0  # p - one_hot(y)
    return [X.T @ error / len(y), error.mean(axis=0)]


def local_train(
    params: Params,
    X: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int = 1,
    lr: float = 0.5,
    batch_size: int = 32,
    proximal_mu: float = 0.0,
    seed: int = 0,
) -> Params:
    """SGD por mini-lotes desde `params` (el modelo global recibido).

    Con `proximal_mu > 0` es el entrenamiento local de FedProx: a la pérdida se le suma
    (mu/2)·||w − w_global||², cuyo gradiente mu·(w − w_global) tira de los pesos hacia
    el modelo global e impide que un cliente se aleje demasiado con sus propios datos.
    """
    rng = np.random.default_rng(seed)
    global_params = [p.copy() for p in params]
    local = [p.copy() for p in params]
    n_batches = max(1, round(len(y) / batch_size))  # lotes parejos: ninguno de 1 ejemplo
    for _ in range(epochs):
        for batch in np.array_split(rng.permutation(len(y)), n_batches):
            grads = gradients(local, X[batch], y[batch])
            for p, g, g0 in zip(local, grads, global_params, strict=True):
                p -= lr * (g + proximal_mu * (p - g0))
    return local


def flatten(params: Params) -> np.ndarray:
    """Todos los parámetros en un único vector (para normas y distancias)."""
    return np.concatenate([p.ravel() for p in params])


def unflatten(vector: np.ndarray, like: Params) -> Params:
    out, start = [], 0
    for p in like:
        out.append(vector[start : start + p.size].reshape(p.shape))
        start += p.size
    return out


def subtract(a: Params, b: Params) -> Params:
    return [x - y for x, y in zip(a, b, strict=True)]


def add(a: Params, b: Params) -> Params:
    return [x + y for x, y in zip(a, b, strict=True)]


# --------------------------------------------------------------------------------------
# Agregación en el servidor
# --------------------------------------------------------------------------------------
def _stack(updates: Sequence[Params]) -> np.ndarray:
    """Matriz clientes × parámetros; valida que todos tengan la misma forma."""
    if not updates:
        raise ValueError("no hay actualizaciones para agregar")
    vectors = [flatten(u) for u in updates]
    if len({v.size for v in vectors}) != 1:
        raise ValueError("las actualizaciones tienen distinta cantidad de parámetros")
    return np.stack(vectors)


def weighted_mean(updates: Sequence[Params], weights: Sequence[float]) -> Params:
    """FedAvg: promedio de los parámetros ponderado por la cantidad de ejemplos."""
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (len(updates),) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError("se necesita un peso no negativo por cliente y una suma positiva")
    return unflatten((w / w.sum()) @ _stack(updates), updates[0])


def coordinate_median(updates: Sequence[Params]) -> Params:
    """Mediana coordenada a coordenada (Yin et al., 2018): ignora el tamaño de los datos."""
    return unflatten(np.median(_stack(updates), axis=0), updates[0])


def trimmed_mean(updates: Sequence[Params], beta: float) -> Params:
    """Media recortada por coordenada: descarta los floor(beta·n) valores más chicos y los
    floor(beta·n) más grandes de cada coordenada y promedia el resto."""
    stacked = _stack(updates)
    n = len(stacked)
    k = int(np.floor(beta * n))
    if not 0 <= beta < 0.5 or n - 2 * k < 1:
        raise ValueError(f"beta={beta} deja sin valores para promediar con {n} clientes")
    kept = np.sort(stacked, axis=0)[k : n - k]
    return unflatten(kept.mean(axis=0), updates[0])


def krum(updates: Sequence[Params], n_malicious: int) -> Params:
    """Krum (Blanchard et al., 2017): elige la actualización cuya suma de distancias al
    cuadrado a sus n − f − 2 vecinas más cercanas es mínima."""
    stacked = _stack(updates)
    n = len(stacked)
    closest = n - n_malicious - 2
    if closest < 1:
        raise ValueError(f"Krum necesita n > f + 2 (n={n}, f={n_malicious})")
    sq_dist = ((stacked[:, None, :] - stacked[None, :, :]) ** 2).sum(axis=2)
    scores = [np.sort(np.delete(row, i))[:closest].sum() for i, row in enumerate(sq_dist)]
    return unflatten(stacked[int(np.argmin(scores))], updates[0])


# --------------------------------------------------------------------------------------
# Privacidad diferencial
# --------------------------------------------------------------------------------------
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
    mean = flatten(weighted_mean(clipped, np.ones(len(clipped))))
    std = noise_multiplier * max_norm / len(clipped)
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


# --------------------------------------------------------------------------------------
# Bucle federado
# --------------------------------------------------------------------------------------
Aggregator = Callable[[list[Params], list[int], int], Params]
ClientHook = Callable[[int, Params, Params], Params]


def fedavg_aggregator(updates: list[Params], sizes: list[int], server_round: int) -> Params:
    return weighted_mean(updates, sizes)


@dataclass
class FederatedHistory:
    """Exactitud del modelo global en el conjunto de prueba del servidor, por ronda
    (la ronda 0 es el modelo inicial)."""

    accuracy: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    params: Params | None = None


def run_federated(
    clients: Sequence[Dataset],
    test: Dataset,
    *,
    rounds: int = 20,
    epochs: int = 1,
    lr: float = 0.5,
    batch_size: int = 32,
    proximal_mu: float = 0.0,
    aggregator: Aggregator = fedavg_aggregator,
    client_hook: ClientHook | None = None,
    n_classes: int = 10,
    seed: int = 0,
) -> FederatedHistory:
    """Rondas de FedAvg: el servidor envía el modelo global, cada cliente entrena en local
    y devuelve su actualización (modelo local − global), el servidor las agrega.

    `aggregator(updates, sizes, ronda)` decide cómo combinar (FedAvg, mediana, DP…) y
    `client_hook(cliente, actualización, global)` permite que un cliente altere lo que
    envía (ataques).
    """
    X_test, y_test = test
    global_params = init_params(X_test.shape[1], n_classes)
    history = FederatedHistory()
    history.accuracy.append(accuracy(global_params, X_test, y_test))
    history.loss.append(log_loss(global_params, X_test, y_test))
    for server_round in range(1, rounds + 1):
        updates, sizes = [], []
        for cid, (X, y) in enumerate(clients):
            local = local_train(
                global_params,
                X,
                y,
                epochs=epochs,
                lr=lr,
                batch_size=batch_size,
                proximal_mu=proximal_mu,
                seed=seed * 1_000_003 + server_round * 1_000 + cid,
            )
            update = subtract(local, global_params)
            if client_hook is not None:
                update = client_hook(cid, update, global_params)
            updates.append(update)
            sizes.append(len(y))
        global_params = add(global_params, aggregator(updates, sizes, server_round))
        history.accuracy.append(accuracy(global_params, X_test, y_test))
        history.loss.append(log_loss(global_params, X_test, y_test))
    history.params = global_params
    return history


def main() -> None:
    parser = argparse.ArgumentParser(description="FedAvg sobre dígitos, sin Flower.")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--alpha", type=float, default=None, help="Dirichlet (sin: IID)")
    args = parser.parse_args()
    (X, y), test = load_digits_split()
    if args.alpha is None:
        parts = iid_partition(y, args.clients)
    else:
        parts = dirichlet_partition(y, args.clients, args.alpha)
    clients = [(X[p], y[p]) for p in parts]
    history = run_federated(clients, test, rounds=args.rounds, epochs=args.epochs)
    for r, acc in enumerate(history.accuracy):
        print(f"ronda {r:3d}: exactitud {acc:.3f}")


if __name__ == "__main__":
    main()
