"""`bench_grpc.py --quick` en cada corrida de pruebas: el objetivo de la clase se verifica.

Con el bosque de la clase y lotes de 10 000 filas, gRPC debe sostener al menos la mitad de las
filas por segundo del modelo en proceso (cociente de medianas ≥ 0,5), y ningún brazo puede salir
más rápido que el modelo en proceso (el invariante de `coursekit.measure`). Si algo de eso no se
cumple, el script termina con código distinto de 0 y esta prueba falla.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from clase3_helpers import HANDS_ON


@pytest.mark.bench
@pytest.mark.timeout(600)
def test_bench_grpc_quick_meets_its_target(tmp_path):
    output = tmp_path / "bench_grpc.json"
    result = subprocess.run(
        [sys.executable, "bench_grpc.py", "--quick", "--output", str(output)],
        cwd=HANDS_ON,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    report = json.loads(output.read_text())
    assert report["quick"] is True
    (target,) = report["targets"]
    assert target["name"] == "grpc_vs_en_proceso_lote_10000"
    assert target["met"] and target["ratio"] >= target["minimum"] == 0.5
    arms = report["results"]["forest_10000_filas"]
    assert arms["gRPC"]["p50_s"] >= 0.95 * arms["en proceso"]["p50_s"]  # el invariante
    for arm in arms.values():
        assert arm["p25_s"] <= arm["p50_s"] <= arm["p75_s"]
