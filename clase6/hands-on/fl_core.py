"""FedAvg de la Clase 6 con NumPy: la agregación del servidor y el bucle de rondas.

Una ronda de FedAvg (McMahan et al., 2017): el servidor envía el modelo global, cada cliente
entrena en local (`fl_model.local_train`) y devuelve su actualización (modelo local − global),
y el servidor las promedia ponderando por la cantidad de ejemplos (`weighted_mean`).

`run_federated` repite esas rondas con dos puntos de inyección en lugar de opciones:

- `aggregator(actualizaciones, tamaños, ronda)` decide cómo combinar: FedAvg, las reglas de
  `fl_robust` o la privacidad diferencial de `fl_privacy`;
- `client_hook(cliente, actualización, global)` altera lo que envía un cliente (ataques).

Cada concepto vive en su archivo: `fl_data` (datos y particiones), `fl_model` (el modelo y el
entrenamiento local), `fl_core` (FedAvg), `fl_privacy` (DP-FedAvg), `fl_robust` (agregación
robusta). Desde la terminal:

    python fl_core.py --help
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from fl_data import Dataset, dirichlet_partition, iid_partition, load_digits_split
from fl_model import (
    Params,
    accuracy,
    add,
    client_seed,
    init_params,
    local_train,
    log_loss,
    stack_updates,
    subtract,
    unflatten,
)

Aggregator = Callable[[list[Params], list[int], int], Params]
ClientHook = Callable[[int, Params, Params], Params]


def weighted_mean(updates: Sequence[Params], weights: Sequence[float]) -> Params:
    """FedAvg: promedio de los parámetros ponderado por la cantidad de ejemplos."""
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (len(updates),) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError("se necesita un peso no negativo por cliente y una suma positiva")
    return unflatten((w / w.sum()) @ stack_updates(updates), updates[0])


def fedavg_aggregator(updates: list[Params], sizes: list[int], server_round: int) -> Params:
    """El agregador por defecto de `run_federated`: la media ponderada de FedAvg."""
    return weighted_mean(updates, sizes)


@dataclass
class FederatedHistory:
    """Exactitud y pérdida del modelo global en el conjunto de prueba del servidor, por ronda
    (la ronda 0 es el modelo inicial), y los parámetros del último modelo registrado."""

    accuracy: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    params: Params | None = None

    def record(self, params: Params, test: Dataset) -> None:
        X_test, y_test = test
        self.accuracy.append(accuracy(params, X_test, y_test))
        self.loss.append(log_loss(params, X_test, y_test))
        self.params = params


def client_updates(
    global_params: Params,
    clients: Sequence[Dataset],
    server_round: int,
    *,
    client_hook: ClientHook | None = None,
    seed: int = 0,
    **local_options: Any,
) -> tuple[list[Params], list[int]]:
    """El lado de los clientes en una ronda: cada uno entrena desde el modelo global
    (`local_options` va a `local_train`) y devuelve su actualización, que es lo que viaja,
    y su cantidad de ejemplos, que es su peso en FedAvg."""
    updates, sizes = [], []
    for cid, (X, y) in enumerate(clients):
        seed_c = client_seed(seed, server_round, cid)
        local = local_train(global_params, X, y, seed=seed_c, **local_options)
        update = subtract(local, global_params)
        if client_hook is not None:
            update = client_hook(cid, update, global_params)
        updates.append(update)
        sizes.append(len(y))
    return updates, sizes


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
    y devuelve su actualización, el servidor las agrega con `aggregator` y suma el resultado
    al modelo global. `client_hook` permite que un cliente altere lo que envía (ataques)."""
    global_params = init_params(test[0].shape[1], n_classes)
    history = FederatedHistory()
    history.record(global_params, test)
    for server_round in range(1, rounds + 1):
        updates, sizes = client_updates(
            global_params,
            clients,
            server_round,
            client_hook=client_hook,
            seed=seed,
            epochs=epochs,
            lr=lr,
            batch_size=batch_size,
            proximal_mu=proximal_mu,
        )
        global_params = add(global_params, aggregator(updates, sizes, server_round))
        history.record(global_params, test)
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
