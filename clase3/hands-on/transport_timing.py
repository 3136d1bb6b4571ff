"""Mide el sobrecosto del transporte: el mismo modelo en proceso y por REST, GraphQL y gRPC.

Es el cliente que mide en la comparación del notebook 03, en su propio proceso: ni el kernel de
Jupyter (con sus hilos) ni un servidor comparten el intérprete que mide. Los servidores ya están
en marcha; el plan (JSON) dice dónde:

    {"models": {"light": {"path": "artifacts/iris_logistic.joblib", "label": "liviano",
                          "servers": {"REST": "127.0.0.1:8001", "GraphQL": "…", "gRPC": "…"}},
                "heavy": {…}},
     "server_pids": [1234, 1235, …],
     "repeats": {"1": 40, "100": 30, "10000": 7}}

Para cada modelo y tamaño de lote, `coursekit.measure.compare` mide intercalados el modelo cargado
del mismo archivo y llamado aquí ("en proceso") y los tres servidores, con calentamiento y el
invariante de que ningún brazo es más rápido que "en proceso". Mientras mide, este proceso y los
servidores comparten un núcleo (`cpu_pinning.py`). Escribe las muestras (segundos por pedido);
`overhead` calcula con ellas el sobrecosto de cada brazo y su intervalo de confianza:

    python transport_timing.py --plan plan.json --output tiempos.json
"""

from __future__ import annotations

import argparse
import json
from contextlib import ExitStack
from pathlib import Path

import inference_codegen
import iris_model
import numpy as np
from cpu_pinning import same_core

from coursekit import measure


def compare_model(model, clients: dict, matrix, repeats: int) -> measure.Results:
    """Un modelo, un lote: en proceso contra cada cliente, intercalados."""
    arms = {"en proceso": lambda: model.predict_proba(matrix)}
    for name, predict in clients.items():
        arms[name] = lambda predict=predict: predict(matrix)
    return measure.compare(
        arms,
        repeats=repeats,
        warmup=2,
        attempts=5,
        invariants=[measure.not_faster_than("en proceso")],
    )


def overhead(
    result: measure.Results, arm: str, reference: str = "en proceso", resamples: int = 2000
) -> tuple[float, float, float]:
    """Sobrecosto de `arm` = p50(arm) − p50(reference), en segundos, con su intervalo del 95 %.

    La incertidumbre de una diferencia de medianas no es la de ninguna de las dos sola: se estima
    con *bootstrap*, remuestreando las dos muestras a la vez (con semilla: reproducible)."""
    rng = np.random.default_rng(0)
    arm_samples = np.asarray(result[arm].samples)
    ref_samples = np.asarray(result[reference].samples)
    arm_medians = np.median(rng.choice(arm_samples, (resamples, arm_samples.size)), axis=1)
    ref_medians = np.median(rng.choice(ref_samples, (resamples, ref_samples.size)), axis=1)
    low, high = np.percentile(arm_medians - ref_medians, [2.5, 97.5])
    return result[arm].p50 - result[reference].p50, float(low), float(high)


def run(plan: dict) -> dict:
    """Todas las comparaciones del plan → {modelo: {filas: {brazo: [segundos, …]}}}."""
    from transport_clients import FACTORIES  # usa el código generado (ver main)

    samples: dict = {}
    big = iris_model.sample_rows(max(int(rows) for rows in plan["repeats"]))
    with ExitStack() as stack, same_core(plan["server_pids"]) as core:
        print(f"núcleo de la medición: {core}", flush=True)
        for model_key, spec in plan["models"].items():
            model = iris_model.load(spec["path"])["model"]  # el archivo de los servidores
            servers = spec["servers"].items()
            clients = {name: FACTORIES[name](address, stack) for name, address in servers}
            for rows, repeats in plan["repeats"].items():
                results = compare_model(model, clients, big[: int(rows)], repeats)
                label = spec.get("label", model_key)
                print(f"— modelo {label}, {rows} filas por pedido", flush=True)
                print(measure.table(results), flush=True)
                samples.setdefault(model_key, {})[str(rows)] = {
                    arm: list(summary.samples) for arm, summary in results.items()
                }
    return samples


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Sobrecosto del transporte: REST, GraphQL, gRPC.")
    parser.add_argument("--plan", type=Path, required=True, help="JSON con modelos y servidores")
    parser.add_argument("--output", type=Path, required=True, help="JSON con las muestras")
    args = parser.parse_args(argv)
    inference_codegen.ensure()  # el código de inference.proto, antes de importar los clientes
    samples = run(json.loads(args.plan.read_text()))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(samples, indent=1))


if __name__ == "__main__":
    main()
