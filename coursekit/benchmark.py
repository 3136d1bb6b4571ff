"""Plomería de los benchmarks (`claseN/hands-on/bench_*.py`): CLI, informe JSON y objetivos.

Cada benchmark mide con `coursekit.measure` (brazos intercalados, invariantes) y usa esto para
lo repetido: los mismos argumentos, el mismo formato de salida y objetivos que se verifican.

    args = benchmark.parse_args(__doc__)          # --quick, --output
    report = benchmark.Report("clase3_grpc", quick=args.quick)
    report.add_comparison("lote_10000", results)  # p50, p25–p75, IC de cada brazo
    report.check_target("grpc_vs_en_proceso_lote_10000", ratio, minimum=0.5)
    sys.exit(report.finish(args.output))          # escribe el JSON; 1 si algún objetivo falló

`--quick` (segundos) es el modo de `make test`: menos repeticiones, los mismos objetivos.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from coursekit import measure


def parse_args(description: str | None, argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(description or "").strip().splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="pocas repeticiones (make test)")
    parser.add_argument("--output", type=Path, help="archivo JSON con los resultados")
    return parser.parse_args(argv)


def environment() -> dict:
    """Dónde se midió: sin esto una cifra no se puede comparar con otra."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "git_commit": commit,
    }


@dataclass
class Report:
    """Resultados de un benchmark: métricas, comparaciones y objetivos (cumplidos o no)."""

    name: str
    quick: bool = False
    results: dict = field(default_factory=dict)
    targets: list[dict] = field(default_factory=list)

    def add(self, key: str, value) -> None:
        self.results[key] = value

    def add_comparison(self, key: str, results: measure.Results) -> None:
        self.results[key] = {name: summary.as_dict() for name, summary in results.items()}

    def check_target(self, name: str, ratio: float, minimum: float) -> bool:
        """Anota el cociente y si alcanza el mínimo; lo imprime para quien mira la consola."""
        met = ratio >= minimum
        self.targets.append(
            {"name": name, "ratio": round(ratio, 3), "minimum": minimum, "met": met}
        )
        mark = "cumple" if met else "NO CUMPLE"
        print(f"objetivo {name}: {ratio:.3f} (mínimo {minimum}) → {mark}", flush=True)
        return met

    def finish(self, output: Path | None) -> int:
        """Escribe el JSON (si se pidió) y devuelve el código de salida: 1 si algo no cumple."""
        if output is not None:
            document = {
                "benchmark": self.name,
                "quick": self.quick,
                "environment": environment(),
                "results": self.results,
                "targets": self.targets,
            }
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(json.dumps(document, indent=2, ensure_ascii=False))
        return 0 if all(t["met"] for t in self.targets) else 1
