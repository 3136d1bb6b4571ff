"""Corre los benchmarks del libro (`clase*/hands-on/bench_*.py`) y junta sus JSON.

python -m coursekit.dev.bench            # modo completo: escribe _build/bench/<nombre>.json
python -m coursekit.dev.bench --quick    # modo rápido (el de make test): mismos objetivos
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "_build" / "bench"


def main(argv: list[str] | None = None) -> int:
    quick = "--quick" in (sys.argv[1:] if argv is None else argv)
    scripts = sorted(ROOT.glob("clase*/hands-on/bench_*.py"))
    failures = 0
    for script in scripts:
        output = OUTPUT / f"{script.parents[1].name}_{script.stem}.json"
        print(f"▶ {script.relative_to(ROOT)} → {output.relative_to(ROOT)}", flush=True)
        result = subprocess.run(
            [sys.executable, script.name, "--output", str(output), *(["--quick"] if quick else [])],
            cwd=script.parent,
            check=False,
        )
        failures += result.returncode != 0
    print(f"{len(scripts)} benchmark(s), {failures} con errores.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
