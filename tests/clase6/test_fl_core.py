"""El bucle de rondas de FedAvg con sus puntos de inyección (`fl_core`)."""

from __future__ import annotations

import fl_core
import fl_data
import fl_model
import fl_robust
import numpy as np
import pytest


@pytest.fixture(scope="module")
def digits():
    return fl_data.load_digits_split()


def test_run_federated_improves_and_matches_centralised_order_of_magnitude(digits):
    (X, y), test = digits
    clients = [(X[p], y[p]) for p in fl_data.iid_partition(y, 5)]
    history = fl_core.run_federated(clients, test, rounds=5)
    assert history.accuracy[0] == pytest.approx(0.1, abs=0.02)
    assert history.accuracy[-1] > 0.85
    assert len(history.accuracy) == 6 and len(history.loss) == 6


def test_run_federated_with_a_poisoned_client_and_robust_aggregation(digits):
    (X, y), test = digits
    clients = [(X[p], y[p]) for p in fl_data.iid_partition(y, 5)]

    def attack(cid, update, global_params):
        return [-10 * u for u in update] if cid == 0 else update

    poisoned = fl_core.run_federated(clients, test, rounds=5, client_hook=attack)
    defended = fl_core.run_federated(
        clients,
        test,
        rounds=5,
        client_hook=attack,
        aggregator=lambda updates, sizes, r: fl_robust.coordinate_median(updates),
    )
    assert poisoned.accuracy[-1] < 0.3
    assert defended.accuracy[-1] > 0.85


def test_client_updates_are_local_minus_global_and_hook_sees_them(digits):
    (X, y), _ = digits
    clients = [(X[:100], y[:100]), (X[100:250], y[100:250])]
    start = fl_model.init_params(64, 10)
    seen = []

    def hook(cid, update, global_params):
        seen.append(cid)
        return [0 * u for u in update] if cid == 1 else update

    updates, sizes = fl_core.client_updates(start, clients, 3, client_hook=hook, seed=7, epochs=2)
    assert sizes == [100, 150] and seen == [0, 1]
    expected = fl_model.local_train(
        start, X[:100], y[:100], epochs=2, seed=fl_model.client_seed(7, 3, 0)
    )
    np.testing.assert_allclose(fl_model.flatten(updates[0]), fl_model.flatten(expected))
    assert not fl_model.flatten(updates[1]).any()
