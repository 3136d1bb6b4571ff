"""El modelo que entrenan los clientes de la Clase 6: regresión logística multinomial en NumPy.

- los parámetros son una lista `[W, b]` (64×10 y 10 para los dígitos de 8×8): dos arreglos
  que se pueden promediar, recortar o inspeccionar a mano;
- `local_train` es lo que ejecuta un cliente en cada ronda: SGD por mini-lotes desde el
  modelo global, con el término proximal de FedProx (Li et al., 2020) como opción;
- `flatten`, `subtract`, `add`… tratan los parámetros como un único vector, que es como los
  ven las reglas de agregación, el recorte de la privacidad diferencial y los ataques.

Solo depende de NumPy: es lo único que necesitan el ClientApp y el ServerApp de Flower.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Params = list[np.ndarray]  # [W (n_features × n_classes), b (n_classes)]


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


def client_seed(seed: int, server_round: int, client_id: int) -> int:
    """La semilla del SGD de un cliente en una ronda: distinta para cada par (ronda, cliente)
    y la misma en el bucle de NumPy y en el ClientApp de Flower, que así coinciden."""
    return seed * 1_000_003 + server_round * 1_000 + client_id


# ----------------------------------------------------------- los parámetros como un vector
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


def stack_updates(updates: Sequence[Params]) -> np.ndarray:
    """Matriz clientes × parámetros, la entrada de toda regla de agregación; valida que
    todas las actualizaciones tengan la misma forma."""
    if not updates:
        raise ValueError("no hay actualizaciones para agregar")
    vectors = [flatten(u) for u in updates]
    if len({v.size for v in vectors}) != 1:
        raise ValueError("las actualizaciones tienen distinta cantidad de parámetros")
    return np.stack(vectors)
