"""El generador de carga de lazo abierto (iris_load.py), en su propio proceso (notebook 7)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import iris_load

HANDS_ON = Path(__file__).resolve().parents[2] / "clase1" / "hands-on"


def test_payload_marks_one_in_n_invalid():
    bodies = [iris_load.payload(i, 5) for i in range(20)]
    assert sum(body is iris_load.INVALID for body in bodies) == 4
    assert all(body is iris_load.FLOWER for body in (iris_load.payload(i, 0) for i in range(9)))


def test_cli_sends_the_known_mix_and_saves_each_latency(api_url, tmp_path):
    output = tmp_path / "carga.json"
    command = [sys.executable, "iris_load.py", "--url", api_url, "--rate", "40"]
    command += ["--duration", "0.5", "--invalid-every", "5", "--output", str(output)]
    done = subprocess.run(command, cwd=HANDS_ON, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "20 pedidos en 0.5 s; estados: {200: 16, 422: 4}" in done.stdout
    saved = json.loads(output.read_text())
    assert saved["rate"] == 40 and saved["url"] == api_url
    assert Counter(r["status"] for r in saved["requests"]) == {200: 16, 422: 4}
    assert all(r["latency_s"] > 0 for r in saved["requests"])
    sent = [r["sent"] for r in saved["requests"]]
    assert sent == sorted(sent) and sent[-1] - sent[0] >= 19 / 40 - 0.05  # lazo abierto


def test_cli_rejects_a_non_positive_rate(tmp_path):
    command = [sys.executable, "iris_load.py", "--url", "http://127.0.0.1:1", "--rate", "0"]
    done = subprocess.run(command, cwd=HANDS_ON, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "--rate y --duration deben ser positivos" in done.stderr
