"""Medir tiempos como en un laboratorio: brazos intercalados, calentamiento, dispersión e
invariantes físicos verificados antes de publicar una cifra.

    from coursekit import measure

    results = measure.compare(
        {"en proceso": lambda: model.predict(x), "HTTP": lambda: client.post(url, json=body)},
        repeats=30,
        invariants=[measure.not_faster_than("en proceso")],
    )
    print(measure.table(results))          # mediana, p25–p75, IC 95 % de la mediana
    results["HTTP"].p50                     # segundos

Por qué así:
- **Intercalado** (A B C, B C A, C A B…): si la máquina se carga a mitad de la medición, la
  carga cae sobre todos los brazos por igual y no sobre el último.
- **Calentamiento** de cada brazo: la primera llamada paga conexiones, cachés y compilación.
- **Mediana y dispersión** (p25–p75 y un intervalo *bootstrap* de la mediana): un solo número no
  dice si la diferencia entre brazos es mayor que el ruido.
- **Invariantes**: un resultado imposible (la red más rápida que el mismo modelo en proceso,
  percentiles desordenados) es un error de medición, no un hallazgo: se vuelve a medir y, si
  persiste, se falla con un mensaje claro.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Results = dict[str, "Summary"]
Invariant = Callable[[Results], None]  # lanza AssertionError si los resultados son imposibles


class MeasurementError(RuntimeError):
    """Las mediciones violaron un invariante físico en todos los intentos."""


@dataclass(frozen=True)
class Summary:
    """Las muestras de un brazo (segundos por repetición) y sus estadísticos."""

    name: str
    samples: tuple[float, ...]

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.samples, q))

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p25(self) -> float:
        return self.percentile(25)

    @property
    def p75(self) -> float:
        return self.percentile(75)

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def p99(self) -> float:
        return self.percentile(99)

    def median_ci(self, level: float = 0.95, resamples: int = 2000) -> tuple[float, float]:
        """Intervalo *bootstrap* (percentil) de la mediana; semilla fija: reproducible."""
        rng = np.random.default_rng(0)
        data = np.asarray(self.samples)
        medians = np.median(rng.choice(data, size=(resamples, data.size)), axis=1)
        tail = (1 - level) / 2 * 100
        return float(np.percentile(medians, tail)), float(np.percentile(medians, 100 - tail))

    def rate(self, units: float) -> float:
        """Unidades por segundo (filas/s, pedidos/s) a la mediana."""
        return units / self.p50

    def as_dict(self) -> dict[str, float | int]:
        low, high = self.median_ci()
        return {
            "n": len(self.samples),
            "p50_s": self.p50,
            "p25_s": self.p25,
            "p75_s": self.p75,
            "p95_s": self.p95,
            "p99_s": self.p99,
            "p50_ci95_s": [low, high],
        }


def time_once(func: Callable[[], object], inner: int = 1) -> float:
    """Segundos por llamada: `inner` llamadas seguidas para operaciones de microsegundos."""
    start = time.perf_counter()
    for _ in range(inner):
        func()
    return (time.perf_counter() - start) / inner


def interleaved(
    arms: Mapping[str, Callable[[], object]], repeats: int, warmup: int = 3, inner: int = 1
) -> Results:
    """Mide los brazos intercalados, rotando el orden en cada vuelta (sin invariantes)."""
    names = list(arms)
    for _ in range(warmup):
        for name in names:
            arms[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(repeats):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(time_once(arms[name], inner))
    return {name: Summary(name, tuple(values)) for name, values in samples.items()}


def compare(
    arms: Mapping[str, Callable[[], object]],
    *,
    repeats: int = 30,
    warmup: int = 3,
    inner: int = 1,
    invariants: Sequence[Invariant] = (),
    attempts: int = 3,
    log: Callable[[str], None] = print,
) -> Results:
    """Mide y verifica los invariantes; si alguno falla, vuelve a medir (hasta `attempts`)."""
    results = interleaved(arms, repeats, warmup, inner)
    for attempt in range(1, attempts + 1):
        violations = check(results, [percentiles_ordered, *invariants])
        if not violations:
            return results
        if attempt < attempts:
            log(f"medición descartada (intento {attempt}): {'; '.join(violations)}")
            results = interleaved(arms, repeats, warmup, inner)
    raise MeasurementError(
        f"los resultados violan invariantes físicos en {attempts} intentos: "
        + "; ".join(violations)
        + ". Revisar la medición (¿máquina cargada? ¿brazos que no miden lo mismo?)."
    )


def check(results: Results, invariants: Sequence[Invariant]) -> list[str]:
    """Mensajes de los invariantes que no se cumplen (lista vacía: todo en orden)."""
    violations = []
    for invariant in invariants:
        try:
            invariant(results)
        except AssertionError as error:
            violations.append(str(error))
    return violations


# ------------------------------------------------------------------------ invariantes
def percentiles_ordered(results: Results) -> None:
    """p25 ≤ p50 ≤ p75 ≤ p95 ≤ p99 en cada brazo (siempre se verifica)."""
    for s in results.values():
        values = [s.p25, s.p50, s.p75, s.p95, s.p99]
        assert values == sorted(values), f"{s.name}: percentiles desordenados {values}"


def not_faster_than(reference: str, tolerance: float = 0.05) -> Invariant:
    """Ningún brazo es más rápido que `reference` (p. ej. el modelo en proceso, sin red)."""

    def invariant(results: Results) -> None:
        floor = results[reference].p50 * (1 - tolerance)
        for name, s in results.items():
            assert s.p50 >= floor, (
                f"'{name}' ({format_seconds(s.p50)}) resultó más rápido que '{reference}' "
                f"({format_seconds(results[reference].p50)}), imposible"
            )

    return invariant


# ---------------------------------------------------------------------------- formato
def format_seconds(seconds: float) -> str:
    """0.0000123 → '12.3 µs'; 0.0123 → '12.3 ms'; 1.5 → '1.50 s'."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def table(results: Results) -> str:
    """Tabla de texto: mediana, p25–p75 e intervalo de confianza de la mediana."""
    lines = [f"{'brazo':24} {'mediana':>10} {'p25–p75':>21} {'IC 95 % mediana':>21}  n"]
    for s in results.values():
        low, high = s.median_ci()
        spread = f"{format_seconds(s.p25)}–{format_seconds(s.p75)}"
        ci = f"{format_seconds(low)}–{format_seconds(high)}"
        lines.append(
            f"{s.name:24} {format_seconds(s.p50):>10} {spread:>21} {ci:>21}  {len(s.samples)}"
        )
    return "\n".join(lines)
