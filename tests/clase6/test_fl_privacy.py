"""Recorte, ruido y cuenta de privacidad de DP-FedAvg (`fl_privacy`)."""

from __future__ import annotations

import fl_model
import fl_privacy
import numpy as np
import pytest


def test_clip_by_l2():
    np.testing.assert_allclose(
        fl_model.flatten(fl_privacy.clip_by_l2([np.array([3.0, 4.0])], 1.0)), [0.6, 0.8]
    )
    small = [np.array([0.3, 0.4])]
    np.testing.assert_allclose(fl_model.flatten(fl_privacy.clip_by_l2(small, 1.0)), [0.3, 0.4])
    zero = [np.zeros(2)]
    np.testing.assert_allclose(fl_model.flatten(fl_privacy.clip_by_l2(zero, 1.0)), [0.0, 0.0])


def test_dp_mean_without_noise_is_the_mean_of_clipped_updates():
    updates = [[np.array([3.0, 4.0])], [np.array([0.3, 0.4])]]
    result = fl_privacy.dp_mean(updates, max_norm=1.0, noise_multiplier=0.0)
    np.testing.assert_allclose(result[0], [0.45, 0.6])  # ([0.6, 0.8] + [0.3, 0.4]) / 2


def test_dp_mean_noise_has_the_calibrated_standard_deviation():
    updates = [[np.zeros(20_000)], [np.zeros(20_000)]]
    result = fl_privacy.dp_mean(updates, max_norm=2.0, noise_multiplier=1.0, seed=1)
    assert np.std(result[0]) == pytest.approx(1.0 * 2.0 / 2, rel=0.03)  # σ·C/n


def test_gaussian_rdp_epsilon():
    # una ronda, σ = 1, δ = 1e-5: min_α α/2 + ln(1e5)/(α − 1) ≈ 5.298 (α ≈ 5.8)
    assert fl_privacy.gaussian_rdp_epsilon(1.0, 1, 1e-5) == pytest.approx(5.298, abs=0.01)
    assert fl_privacy.gaussian_rdp_epsilon(0.0, 10) == float("inf")
    values = [fl_privacy.gaussian_rdp_epsilon(s, 20) for s in (0.5, 1, 2, 4)]
    assert values == sorted(values, reverse=True), "más ruido → menor ε"
    assert fl_privacy.gaussian_rdp_epsilon(1, 40) > fl_privacy.gaussian_rdp_epsilon(1, 20)


@pytest.mark.parametrize(
    ("sigma", "rounds"), [(0.5, 20), (1.0, 20), (2.0, 20), (4.0, 20), (1.0, 100)]
)
def test_gaussian_rdp_epsilon_matches_the_closed_form(sigma, rounds):
    # min_α Tα/(2σ²) + log(1/δ)/(α − 1) = T/(2σ²) + √(2T·log(1/δ))/σ (la teoría de la clase)
    closed = rounds / (2 * sigma**2) + np.sqrt(2 * rounds * np.log(1e5)) / sigma
    assert fl_privacy.gaussian_rdp_epsilon(sigma, rounds, 1e-5) == pytest.approx(closed, abs=0.05)
