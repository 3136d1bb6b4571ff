"""Datos y particiones entre clientes (`fl_data`)."""

from __future__ import annotations

import fl_data
import numpy as np
import pytest


@pytest.fixture(scope="module")
def digits():
    return fl_data.load_digits_split()


def test_load_digits_split_is_scaled_and_stratified(digits):
    (X, y), (X_test, y_test) = digits
    assert X.shape == (1347, 64) and X_test.shape == (450, 64)
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y_test)) == set(range(10))


def test_iid_partition_covers_every_index_once():
    y = np.arange(103) % 10
    parts = fl_data.iid_partition(y, 4, seed=1)
    assert sorted(np.concatenate(parts).tolist()) == list(range(103))
    assert {len(p) for p in parts} <= {25, 26}


def test_dirichlet_partition_covers_every_index_and_skews_labels(digits):
    (_, y), _ = digits
    parts = fl_data.dirichlet_partition(y, 10, alpha=0.1, seed=0, min_size=10)
    assert sorted(np.concatenate(parts).tolist()) == list(range(len(y)))
    assert min(len(p) for p in parts) >= 10
    hist = fl_data.label_histogram(y, parts, 10)
    # con alpha chico, la mayoría de los clientes tiene menos de 10 clases con 5 ejemplos o más
    assert np.median((hist >= 5).sum(axis=1)) < 10
    iid_hist = fl_data.label_histogram(y, fl_data.iid_partition(y, 10), 10)
    assert (iid_hist >= 5).all()


def test_save_partition_round_trips_through_npz(tmp_path):
    X, y = np.arange(12.0).reshape(4, 3), np.array([0, 1, 2, 1])
    path = fl_data.save_partition(tmp_path / "nodo" / "client-0.npz", X, y)
    with np.load(path) as data:
        np.testing.assert_array_equal(data["X"], X)
        np.testing.assert_array_equal(data["y"], y)
