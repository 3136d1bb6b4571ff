"""El proceso hijo de `isolation.py`: se pone sus propios límites, carga el modelo y predice.

    python -m secure_api.worker --memory-mb 256 --cpu-s 2 < pedido.json > respuesta.json

Lee de la entrada estándar `{"model_path": ..., "instances": [[...], ...]}` y escribe
`{"labels": [...], "probabilities": [[...], ...]}`. El orden importa: primero importa las
bibliotecas confiables (NumPy, joblib y el módulo de scikit-learn del modelo; importar con el tope
puesto también reserva memoria), **después** fija los límites y recién entonces toca lo no
confiable (el artefacto y la entrada). Los límites son *presupuestos* sobre lo que el
arranque ya usó, porque el núcleo cuenta la memoria y la CPU del proceso entero:

- `RLIMIT_AS` (espacio de direcciones): pasado el tope, pedir memoria falla y Python lanza
  `MemoryError`; el hijo sale con `EXIT_MEMORY`.
- `RLIMIT_CPU` (segundos de CPU): pasado el límite blando, el núcleo envía `SIGXCPU`, que termina el
  proceso; el límite duro, un segundo después, lo mata con `SIGKILL` aunque ignore la señal.

Solo Linux (y, en parte, otros Unix): `resource` no existe en Windows y macOS no aplica `RLIMIT_AS`.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys

import joblib
import numpy as np
import sklearn.linear_model  # noqa: F401  la biblioteca del modelo, importada ANTES de los límites

EXIT_MEMORY = 3


def current_address_space() -> int:
    """Bytes de memoria virtual que ya usa este proceso (Linux: /proc/self/statm)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def apply_limits(memory_mb: int, cpu_s: int) -> None:
    """Fija los topes de memoria y de CPU como presupuestos por encima de lo ya usado."""
    memory = current_address_space() + memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = math.ceil(usage.ru_utime + usage.ru_stime) + cpu_s
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def predict(model_path: str, instances: list) -> dict:
    """Carga el paquete del modelo (un dict con "model", como `secure_model.save`) y predice."""
    bundle = joblib.load(model_path)  # lo no confiable: puede ejecutar código al cargarse
    model = bundle["model"]
    proba = model.predict_proba(np.asarray(instances, dtype=float))
    labels = model.classes_[proba.argmax(axis=1)]
    return {"labels": labels.tolist(), "probabilities": proba.tolist()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Predice con límites de memoria y de CPU.")
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--cpu-s", type=int, required=True)
    args = parser.parse_args(argv)
    apply_limits(args.memory_mb, args.cpu_s)
    try:
        request = json.load(sys.stdin)
        answer = predict(request["model_path"], request["instances"])
    except MemoryError:
        print("Se superó el límite de memoria.", file=sys.stderr)
        return EXIT_MEMORY
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
