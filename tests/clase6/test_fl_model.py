"""El modelo y el entrenamiento local (`fl_model`)."""

from __future__ import annotations

import fl_data
import fl_model
import numpy as np
import pytest


@pytest.fixture(scope="module")
def digits():
    return fl_data.load_digits_split()


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 4)), np.array([0, 1, 2, 0, 1, 2])
    params = [rng.normal(size=(4, 3)), rng.normal(size=3)]
    grads = fl_model.gradients(params, X, y)
    eps = 1e-6
    for which, index in ((0, (1, 2)), (1, (1,))):
        plus = [p.copy() for p in params]
        minus = [p.copy() for p in params]
        plus[which][index] += eps
        minus[which][index] -= eps
        numeric = (fl_model.log_loss(plus, X, y) - fl_model.log_loss(minus, X, y)) / (2 * eps)
        assert grads[which][index] == pytest.approx(numeric, rel=1e-4)


def test_local_train_learns_and_is_deterministic(digits):
    (X, y), (X_test, y_test) = digits
    start = fl_model.init_params(64, 10)
    a = fl_model.local_train(start, X, y, epochs=2, seed=3)
    b = fl_model.local_train(start, X, y, epochs=2, seed=3)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert fl_model.accuracy(a, X_test, y_test) > 0.85
    assert all(np.array_equal(p, np.zeros_like(p)) for p in start), "no debe mutar la entrada"


def test_proximal_term_keeps_local_model_close_to_global(digits):
    (X, y), _ = digits
    start = fl_model.init_params(64, 10)
    free = fl_model.flatten(fl_model.local_train(start, X[:200], y[:200], epochs=5))
    tied = fl_model.flatten(
        fl_model.local_train(start, X[:200], y[:200], epochs=5, proximal_mu=1.0)
    )
    assert np.linalg.norm(tied) < 0.5 * np.linalg.norm(free)


def test_client_seed_differs_per_round_and_client():
    seeds = {fl_model.client_seed(0, r, c) for r in range(1, 31) for c in range(100)}
    assert len(seeds) == 30 * 100
    assert fl_model.client_seed(1, 1, 0) != fl_model.client_seed(0, 1, 0)


def test_stack_updates_validates_shapes():
    with pytest.raises(ValueError, match="no hay"):
        fl_model.stack_updates([])
    with pytest.raises(ValueError, match="distinta cantidad"):
        fl_model.stack_updates([[np.zeros(2)], [np.zeros(3)]])
    a, b = [np.ones((2, 2)), np.zeros(2)], [np.zeros((2, 2)), np.ones(2)]
    stacked = fl_model.stack_updates([a, b])
    assert stacked.shape == (2, 6)
    np.testing.assert_array_equal(stacked[1], [0, 0, 0, 0, 1, 1])
