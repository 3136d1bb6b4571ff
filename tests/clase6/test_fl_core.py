"""Modelo, particiones, privacidad diferencial y bucle federado de `fl_core`."""

from __future__ import annotations

import fl_core
import numpy as np
import pytest


@pytest.fixture(scope="module")
def digits():
    return fl_core.load_digits_split()


def test_load_digits_split_is_scaled_and_stratified(digits):
    (X, y), (X_test, y_test) = digits
    assert X.shape == (1347, 64) and X_test.shape == (450, 64)
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y_test)) == set(range(10))


def test_iid_partition_covers_every_index_once():
    y = np.arange(103) % 10
    parts = fl_core.iid_partition(y, 4, seed=1)
    assert sorted(np.concatenate(parts).tolist()) == list(range(103))
    assert {len(p) for p in parts} <= {25, 26}


def test_dirichlet_partition_covers_every_index_and_skews_labels(digits):
    (_, y), _ = digits
    parts = fl_core.dirichlet_partition(y, 10, alpha=0.1, seed=0, min_size=10)
    assert sorted(np.concatenate(parts).tolist()) == list(range(len(y)))
    assert min(len(p) for p in parts) >= 10
    hist = fl_core.label_histogram(y, parts, 10)
    # con alpha chico, la mayoría de los clientes tiene menos de 10 clases con 5 ejemplos o más
    assert np.median((hist >= 5).sum(axis=1)) < 10
    iid_hist = fl_core.label_histogram(y, fl_core.iid_partition(y, 10), 10)
    assert (iid_hist >= 5).all()


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 4)), np.array([0, 1, 2, 0, 1, 2])
    params = [rng.normal(size=(4, 3)), rng.normal(size=3)]
    grads = fl_core.gradients(params, X, y)
    eps = 1e-6
    for which, index in ((0, (1, 2)), (1, (1,))):
        plus = [p.copy() for p in params]
        minus = [p.copy() for p in params]
        plus[which][index] += eps
        minus[which][index] -= eps
        numeric = (fl_core.log_loss(plus, X, y) - fl_core.log_loss(minus, X, y)) / (2 * eps)
        assert grads[which][index] == pytest.approx(numeric, rel=1e-4)


def test_local_train_learns_and_is_deterministic(digits):
    (X, y), (X_test, y_test) = digits
    start = fl_core.init_params(64, 10)
    a = fl_core.local_train(start, X, y, epochs=2, seed=3)
    b = fl_core.local_train(start, X, y, epochs=2, seed=3)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert fl_core.accuracy(a, X_test, y_test) > 0.85
    assert all(np.array_equal(p, np.zeros_like(p)) for p in start), "no debe mutar la entrada"


def test_proximal_term_keeps_local_model_close_to_global(digits):
    (X, y), _ = digits
    start = fl_core.init_params(64, 10)
    free = fl_core.flatten(fl_core.local_train(start, X[:200], y[:200], epochs=5))
    tied = fl_core.flatten(fl_core.local_train(start, X[:200], y[:200], epochs=5, proximal_mu=1.0))
    assert np.linalg.norm(tied) < 0.5 * np.linalg.norm(free)


def test_clip_by_l2():
    np.testing.assert_allclose(
        fl_core.flatten(fl_core.clip_by_l2([np.array([3.0, 4.0])], 1.0)), [0.6, 0.8]
    )
    small = [np.array([0.3, 0.4])]
    np.testing.assert_allclose(fl_core.flatten(fl_core.clip_by_l2(small, 1.0)), [0.3, 0.4])
    zero = [np.zeros(2)]
    np.testing.assert_allclose(fl_core.flatten(fl_core.clip_by_l2(zero, 1.0)), [0.0, 0.0])


def test_dp_mean_without_noise_is_the_mean_of_clipped_updates():
    updates = [[np.array([3.0, 4.0])], [np.array([0.3, 0.4])]]
    result = fl_core.dp_mean(updates, max_norm=1.0, noise_multiplier=0.0)
    np.testing.assert_allclose(result[0], [0.45, 0.6])  # ([0.6, 0.8] + [0.3, 0.4]) / 2


def test_dp_mean_noise_has_the_calibrated_standard_deviation():
    updates = [[np.zeros(20_000)], [np.zeros(20_000)]]
    result = fl_core.dp_mean(updates, max_norm=2.0, noise_multiplier=1.0, seed=1)
    assert np.std(result[0]) == pytest.approx(1.0 * 2.0 / 2, rel=0.03)  # σ·C/n


def test_gaussian_rdp_epsilon():
    # una ronda, σ = 1, δ = 1e-5: min_α α/2 + ln(1e5)/(α − 1) ≈ 5.298 (α ≈ 5.8)
    assert fl_core.gaussian_rdp_epsilon(1.0, 1, 1e-5) == pytest.approx(5.298, abs=0.01)
    assert fl_core.gaussian_rdp_epsilon(0.0, 10) == float("inf")
    values = [fl_core.gaussian_rdp_epsilon(s, 20) for s in (0.5, 1, 2, 4)]
    assert values == sorted(values, reverse=True), "más ruido → menor ε"
    assert fl_core.gaussian_rdp_epsilon(1, 40) > fl_core.gaussian_rdp_epsilon(1, 20)


def test_run_federated_improves_and_matches_centralised_order_of_magnitude(digits):
    (X, y), test = digits
    clients = [(X[p], y[p]) for p in fl_core.iid_partition(y, 5)]
    history = fl_core.run_federated(clients, test, rounds=5)
    assert history.accuracy[0] == pytest.approx(0.1, abs=0.02)
    assert history.accuracy[-1] > 0.85
    assert len(history.accuracy) == 6 and len(history.loss) == 6


def test_run_federated_with_a_poisoned_client_and_robust_aggregation(digits):
    (X, y), test = digits
    clients = [(X[p], y[p]) for p in fl_core.iid_partition(y, 5)]

    def attack(cid, update, global_params):
        return [-10 * u for u in update] if cid == 0 else update

    poisoned = fl_core.run_federated(clients, test, rounds=5, client_hook=attack)
    defended = fl_core.run_federated(
        clients,
        test,
        rounds=5,
        client_hook=attack,
        aggregator=lambda updates, sizes, r: fl_core.coordinate_median(updates),
    )
    assert poisoned.accuracy[-1] < 0.3
    assert defended.accuracy[-1] > 0.85
