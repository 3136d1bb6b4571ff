"""Reglas de agregación del servidor (`fl_core` y `fl_robust`) contra valores calculados a mano."""

from __future__ import annotations

import fl_core
import fl_model
import fl_robust
import numpy as np
import pytest


def params(*values):
    """Una "actualización" con dos arreglos, como [W, b]: el primer valor va a b."""
    return [np.array(values[1:], dtype=float), np.array(values[:1], dtype=float)]


def test_weighted_mean_uses_sample_counts():
    # cliente 1: (b=3, W=[1, 2]) con 1 ejemplo; cliente 2: (b=9, W=[3, 6]) con 3 ejemplos
    result = fl_core.weighted_mean([params(3, 1, 2), params(9, 3, 6)], weights=[1, 3])
    # W = (1·[1, 2] + 3·[3, 6]) / 4 = [2.5, 5];  b = (1·3 + 3·9) / 4 = 7.5
    np.testing.assert_allclose(result[0], [2.5, 5.0])
    np.testing.assert_allclose(result[1], [7.5])


def test_weighted_mean_with_equal_weights_is_the_plain_mean():
    result = fl_core.weighted_mean([params(0, 0, 4), params(2, 2, 0)], weights=[5, 5])
    np.testing.assert_allclose(fl_model.flatten(result), [1.0, 2.0, 1.0])


def test_weighted_mean_rejects_bad_weights():
    with pytest.raises(ValueError):
        fl_core.weighted_mean([params(1, 1), params(2, 2)], weights=[1])
    with pytest.raises(ValueError):
        fl_core.weighted_mean([params(1, 1), params(2, 2)], weights=[0, 0])
    with pytest.raises(ValueError):
        fl_core.weighted_mean([params(1, 1), params(2, 2)], weights=[-1, 2])


def test_weighted_mean_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="distinta cantidad"):
        fl_core.weighted_mean([params(1, 1), params(2, 2, 2)], weights=[1, 1])


def test_coordinate_median_odd_number_of_clients():
    updates = [params(-4, 1, 10), params(0, 2, 20), params(3, 100, -5)]
    result = fl_robust.coordinate_median(updates)
    # W[0]: mediana(1, 2, 100) = 2; W[1]: mediana(10, 20, -5) = 10; b: mediana(-4, 0, 3) = 0
    np.testing.assert_allclose(result[0], [2.0, 10.0])
    np.testing.assert_allclose(result[1], [0.0])


def test_coordinate_median_even_number_of_clients_averages_the_middle_two():
    updates = [params(0, 1), params(0, 2), params(0, 3), params(0, 100)]
    np.testing.assert_allclose(fl_robust.coordinate_median(updates)[0], [2.5])


def test_coordinate_median_ignores_one_huge_outlier():
    honest = [params(1, 1, 1), params(1.2, 1.1, 0.9), params(0.9, 1.0, 1.1)]
    attacked = [*honest, params(-1e6, -1e6, -1e6), params(1.1, 0.9, 1.0)]
    result = fl_model.flatten(fl_robust.coordinate_median(attacked))
    assert np.all(np.abs(result - 1.0) <= 0.1)


def test_trimmed_mean_drops_extremes_per_coordinate():
    updates = [params(-50, 1), params(0, 2), params(1, 3), params(2, 100)]
    result = fl_robust.trimmed_mean(updates, beta=0.25)  # k = floor(0.25·4) = 1 por extremo
    np.testing.assert_allclose(result[0], [2.5])  # (2 + 3) / 2
    np.testing.assert_allclose(result[1], [0.5])  # (0 + 1) / 2


def test_trimmed_mean_five_clients():
    updates = [params(0, v) for v in (1, 2, 3, 4, 1000)]
    # k = floor(0.2·5) = 1: quedan 2, 3, 4
    np.testing.assert_allclose(fl_robust.trimmed_mean(updates, beta=0.2)[0], [3.0])


def test_trimmed_mean_with_beta_zero_is_the_mean():
    updates = [params(0, v) for v in (1, 2, 3, 10)]
    np.testing.assert_allclose(fl_robust.trimmed_mean(updates, beta=0.0)[0], [4.0])


def test_trimmed_mean_rejects_beta_that_leaves_nothing():
    updates = [params(0, v) for v in (1, 2)]
    with pytest.raises(ValueError):
        fl_robust.trimmed_mean(updates, beta=0.5)


def test_krum_selects_the_update_closest_to_its_neighbours():
    updates = [params(0, v) for v in (0, 1, 2, 10, 100)]
    # f = 1 → cada uno suma las 5 - 1 - 2 = 2 menores distancias al cuadrado:
    # 0: 1 + 4 = 5;  1: 1 + 1 = 2;  2: 1 + 4 = 5;  10: 64 + 81 = 145;  100: 8100 + 9604
    np.testing.assert_allclose(fl_robust.krum(updates, n_malicious=1)[0], [1.0])


def test_krum_needs_enough_clients():
    with pytest.raises(ValueError, match="Krum"):
        fl_robust.krum([params(0, 1), params(0, 2), params(0, 3)], n_malicious=1)
