"""El benchmark de la Clase 4 en modo rápido (`bench_streaming.py --quick`), contra el Kafka real
del stack: el objetivo (consumidor completo ≥ 0,5 × la lectura cruda) y los invariantes se
verifican en cada `make test`. Si no se cumplen, el script sale con código distinto de 0 y esta
prueba falla."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coursekit import stack

pytestmark = pytest.mark.stack
HANDS_ON = Path(__file__).resolve().parents[2] / "clase4" / "hands-on"


@pytest.mark.bench
def test_quick_benchmark_meets_the_streaming_target(tmp_path):
    stack.require("kafka")
    output = tmp_path / "bench_streaming.json"
    done = subprocess.run(
        [sys.executable, "bench_streaming.py", "--quick", "--output", str(output)],
        cwd=HANDS_ON,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, (
        f"el benchmark falló:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    )
    report = json.loads(output.read_text())
    assert report["quick"] is True
    [target] = report["targets"]
    assert target["name"] == "consumidor_completo_vs_lectura_cruda"
    assert target["met"] and target["ratio"] >= target["minimum"] == 0.5
    arms = report["results"]["rendimiento_segundos_por_pasada"]
    assert set(arms) == {"lectura cruda", "consumidor completo"}
    for summary in arms.values():  # percentiles ordenados y repeticiones completas
        assert summary["n"] == 7
        assert summary["p25_s"] <= summary["p50_s"] <= summary["p75_s"]
    assert arms["consumidor completo"]["p50_s"] >= 0.95 * arms["lectura cruda"]["p50_s"]
