"""Pruebas sin stack de `fraud_stream/drift_report.py`: el PSI de Evidently frente al propio (mismos
intervalos: el mismo número; intervalos de Evidently: la misma decisión en 0,2), la decisión de
deriva que Evidently deja en su JSON, el reporte HTML que trae todo adentro y que Evidently no toca
la red."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fraud_stream import drift, drift_report
from fraud_stream.model import FEATURES, features
from fraud_stream.simulation import FIELDS, simulate

HANDS_ON = Path(__file__).resolve().parents[2] / "clase4" / "hands-on"
THRESHOLD = 0.2  # el de la alerta FeatureDriftHigh


def log_amounts(n: int, seed: int, scale: float = 1.0) -> np.ndarray:
    return np.log(simulate(n, seed=seed, amount_scale=scale)["amount"])


def feature_frame(data: dict) -> pd.DataFrame:
    return pd.DataFrame(features(*(data[f] for f in FIELDS)), columns=FEATURES)


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return log_amounts(4000, seed=0)


@pytest.mark.parametrize("scale", [1.0, 1.2, 1.5, 3.0])
def test_evidently_psi_on_our_deciles_is_our_psi(reference, scale):
    window = log_amounts(500, seed=21, scale=scale)
    values = drift_report.psi_values(
        drift_report.psi_report({"log_amount": reference}, {"log_amount": window}, THRESHOLD)
    )
    ours = drift.psi(reference, window)
    assert values["log_amount_decile"] == pytest.approx(ours, abs=1e-9)
    # Con sus propios intervalos (Sturges) el número cambia, la decisión en 0,2 no.
    assert (values["log_amount"] > THRESHOLD) == (ours > THRESHOLD)


def test_decile_codes_follow_the_same_rule_as_psi(reference):
    edges = drift.quantile_edges(reference)
    codes = drift_report.decile_codes(reference, edges)
    assert len(edges) == 9 and codes.min() == 0 and codes.max() == 9
    counts = np.bincount(codes, minlength=10) / len(reference)
    assert np.allclose(counts, 0.1, atol=0.002)  # deciles: un décimo en cada intervalo


def test_preset_report_flags_only_the_drifted_feature():
    reference = feature_frame(simulate(4000, seed=0))
    current = feature_frame(simulate(500, seed=11, amount_scale=3.0))
    snapshot = drift_report.preset_report(reference, current, categorical=["night"])
    values = drift_report.psi_values(snapshot)
    assert set(values) == set(FEATURES)
    assert [f for f, v in values.items() if v > THRESHOLD] == ["log_amount"]
    # La decisión de Evidently (sus pruebas `ValueDriftTest`) es la misma que la del umbral.
    assert drift_report.drift_decisions(snapshot) == {f: f == "log_amount" for f in FEATURES}


@pytest.mark.parametrize("scale", [1.0, 1.2, 1.5, 3.0])
def test_evidently_decision_is_psi_at_or_over_the_threshold(reference, scale):
    window = log_amounts(500, seed=21, scale=scale)
    snapshot = drift_report.psi_report({"log_amount": reference}, {"log_amount": window}, THRESHOLD)
    values, decisions = drift_report.psi_values(snapshot), drift_report.drift_decisions(snapshot)
    assert set(decisions) == set(values) == {"log_amount", "log_amount_decile"}
    assert all(decisions[c] == (values[c] >= THRESHOLD) for c in values)  # Evidently: «≥»


def test_html_report_is_self_contained():
    reference = feature_frame(simulate(1000, seed=0))
    current = feature_frame(simulate(300, seed=11, amount_scale=3.0))
    snapshot = drift_report.preset_report(reference, current, categorical=["night"])
    page = snapshot.get_html_str(as_iframe=False)  # lo mismo que escribe `save_html`
    assert page.count("<script") >= 1 and len(page) > 1_000_000  # el JavaScript viene adentro
    assert "<script src=" not in page and "<link " not in page  # nada que pedir afuera


def test_evidently_makes_no_network_call(tmp_path):
    """En otro intérprete, con toda conexión de red prohibida desde antes de importar Evidently:
    importarlo, correr los reportes y generar el HTML no intenta conectarse a nada."""
    code = textwrap.dedent(
        """
        import socket

        attempts = []

        def refuse(self, address, *args):
            attempts.append(address)
            raise OSError(f"red prohibida en la prueba: {address}")

        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        import numpy as np
        import pandas as pd
        from fraud_stream import drift_report
        from fraud_stream.simulation import simulate

        x = pd.DataFrame({"a": np.log(simulate(500, seed=0)["amount"])})
        y = pd.DataFrame({"a": np.log(simulate(200, seed=1, amount_scale=3.0)["amount"])})
        drift_report.psi_values(drift_report.psi_report({"a": x["a"]}, {"a": y["a"]}))
        drift_report.preset_report(x, y).get_html_str(as_iframe=False)
        assert not attempts, attempts
        print("sin red")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=HANDS_ON,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DO_NOT_TRACK": "1"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0 and "sin red" in result.stdout, result.stderr[-2000:]
