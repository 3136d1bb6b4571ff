"""`bench_iris_api.py --quick` en cada corrida de pruebas: el objetivo de la clase se verifica.

Con el bosque de la clase y lotes de 10 000 filas, `POST /v2/predict/batch` (JSON y Arrow, de
punta a punta, contra un proceso uvicorn aparte) debe sostener al menos la mitad de las filas
por segundo del modelo en proceso, y ningún brazo puede salir más rápido que el modelo en
proceso (el invariante de `coursekit.measure`). Si algo no se cumple, el script termina con
código distinto de 0 y esta prueba falla.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HANDS_ON = Path(__file__).resolve().parents[2] / "clase1" / "hands-on"


@pytest.mark.bench
@pytest.mark.timeout(600)
def test_bench_iris_api_quick_meets_its_target(tmp_path):
    output = tmp_path / "bench_iris_api.json"
    result = subprocess.run(
        [sys.executable, "bench_iris_api.py", "--quick", "--output", str(output)],
        cwd=HANDS_ON,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    report = json.loads(output.read_text())
    assert report["quick"] is True
    targets = {t["name"]: t for t in report["targets"]}
    assert set(targets) == {
        "rest_json_vs_en_proceso_lote_10000",
        "rest_arrow_vs_en_proceso_lote_10000",
    }
    for target in targets.values():
        assert target["met"] and target["ratio"] >= target["minimum"] == 0.5
    for comparison in ("lote_10000_filas", "una_fila"):
        arms = report["results"][comparison]
        for name, arm in arms.items():
            assert arm["p25_s"] <= arm["p50_s"] <= arm["p75_s"]
            assert arm["p50_s"] >= 0.95 * arms["en proceso"]["p50_s"], name  # el invariante
    assert report["results"]["lote_10000_filas"]["HTTP JSON"]["n"] == 15
    sizes = report["results"]["bytes_lote_10000"]
    assert min(sizes.values()) > 10_000 * 4  # al menos 4 bytes por fila en cada sentido


def test_the_target_can_fail():
    """El informe falla si el cociente no llega al mínimo (la prueba de arriba puede fallar)."""
    from coursekit import benchmark

    report = benchmark.Report("prueba")
    report.check_target("rest_json_vs_en_proceso_lote_10000", 0.3, minimum=0.5)
    assert report.finish(None) == 1
