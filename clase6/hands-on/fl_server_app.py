"""ServerApp de Flower de la Clase 6: orquesta las rondas y agrega los modelos.

La configuración llega en la *run config* (`[tool.flwr.app.config]` de `pyproject.toml`,
o `flwr run … --run-config 'clave=valor'`):

- `strategy`: `fedavg`, `fedprox`, `fedmedian`, `fedtrimmedavg` o `krum`;
- `num-server-rounds`, `min-nodes`, `fraction-evaluate`, `local-epochs`, `learning-rate`,
  `batch-size`, `proximal-mu`, `trimmed-beta`, `krum-malicious`, `seed`;
- `dp-noise-multiplier` > 0 envuelve la estrategia con privacidad diferencial central
  (recorte a `dp-clipping-norm` en el servidor + ruido gaussiano);
- `test-data`: .npz con el conjunto de prueba que el servidor usa para evaluar el modelo
  global en cada ronda; `results-path`: dónde escribir el historial en JSON, que incluye la
  duración de cada ronda vista desde el ServerApp (`round-seconds`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import fl_model
import numpy as np
from flwr.app import ArrayRecord, ConfigRecord, Context, MetricRecord, RecordDict
from flwr.serverapp import Grid, ServerApp
from flwr.serverapp.strategy import (
    DifferentialPrivacyServerSideFixedClipping,
    FedAvg,
    FedMedian,
    FedProx,
    FedTrimmedAvg,
    Krum,
    Result,
    Strategy,
)

N_FEATURES, N_CLASSES = 64, 10

app = ServerApp()


def collect_train_metrics(records: list[RecordDict], weight_key: str) -> MetricRecord:
    """Promedios ponderados (como FedAvg) y, además, el valor de cada cliente."""
    per_client = sorted(
        (next(iter(r.metric_records.values())) for r in records),
        key=lambda m: int(m["partition-id"]),
    )
    total = sum(float(m[weight_key]) for m in per_client)
    out = MetricRecord()
    for key in ("train-loss", "global-accuracy"):
        out[key] = sum(float(m[key]) * float(m[weight_key]) for m in per_client) / total
        out[f"clients-{key}"] = [float(m[key]) for m in per_client]
    out["clients-partition-id"] = [int(m["partition-id"]) for m in per_client]
    out["clients-num-examples"] = [int(m[weight_key]) for m in per_client]
    return out


def build_strategy(cfg: dict) -> Strategy:
    """La estrategia del servidor, elegida por configuración."""
    n = int(cfg["min-nodes"])
    fraction_evaluate = float(cfg["fraction-evaluate"])
    common = {
        "fraction_train": 1.0,
        "fraction_evaluate": fraction_evaluate,
        "min_available_nodes": n,
        "min_train_nodes": n,
        "min_evaluate_nodes": n if fraction_evaluate > 0 else 0,
        "train_metrics_aggr_fn": collect_train_metrics,
    }
    name = str(cfg["strategy"])
    if name == "fedavg":
        strategy: Strategy = FedAvg(**common)
    elif name == "fedprox":
        strategy = FedProx(**common, proximal_mu=float(cfg["proximal-mu"]))
    elif name == "fedmedian":
        strategy = FedMedian(**common)
    elif name == "fedtrimmedavg":
        strategy = FedTrimmedAvg(**common, beta=float(cfg["trimmed-beta"]))
    elif name == "krum":
        strategy = Krum(**common, num_malicious_nodes=int(cfg["krum-malicious"]))
    else:
        raise ValueError(f"estrategia desconocida: {name!r}")
    if float(cfg["dp-noise-multiplier"]) > 0:
        strategy = DifferentialPrivacyServerSideFixedClipping(
            strategy,
            noise_multiplier=float(cfg["dp-noise-multiplier"]),
            clipping_norm=float(cfg["dp-clipping-norm"]),
            num_sampled_clients=n,
        )
    return strategy


def global_evaluation(test_data: str) -> Callable[[int, ArrayRecord], MetricRecord]:
    """La evaluación centralizada del modelo global en el conjunto de prueba del servidor,
    como la espera `strategy.start(evaluate_fn=...)`: antes de la ronda 1 y tras cada una."""
    with np.load(test_data) as data:
        X_test, y_test = data["X"], data["y"]

    def evaluate(server_round: int, arrays: ArrayRecord) -> MetricRecord:
        params = arrays.to_numpy_ndarrays()
        return MetricRecord(
            {
                "accuracy": fl_model.accuracy(params, X_test, y_test),
                "loss": fl_model.log_loss(params, X_test, y_test),
            }
        )

    return evaluate


def timed_rounds(
    evaluate: Callable[[int, ArrayRecord], MetricRecord],
    marks: dict[int, float],
    clock: Callable[[], float] = time.monotonic,
) -> Callable[[int, ArrayRecord], MetricRecord]:
    """Envuelve `evaluate_fn` y anota en `marks` cuándo termina cada ronda: la estrategia lo
    llama una vez antes de la ronda 1 y otra al cerrar cada ronda, así que la diferencia
    entre dos marcas es la duración completa de una ronda (envío, entrenamiento en los
    clientes, espera, agregación y evaluación), medida en el proceso del ServerApp."""

    def wrapper(server_round: int, arrays: ArrayRecord) -> MetricRecord:
        metrics = evaluate(server_round, arrays)
        marks[server_round] = clock()
        return metrics

    return wrapper


def round_seconds(marks: dict[int, float]) -> dict[int, float]:
    """Duración de cada ronda r ≥ 1 a partir de las marcas de `timed_rounds`."""
    return {r: marks[r] - marks[r - 1] for r in sorted(marks) if r - 1 in marks}


def run_history(strategy: str, result: Result, marks: dict[int, float] | None = None) -> dict:
    """El historial de una corrida en un dict serializable en JSON."""
    return {
        "strategy": strategy,
        "round-seconds": round_seconds(marks or {}),
        "server": {r: dict(m) for r, m in result.evaluate_metrics_serverapp.items()},
        "train": {r: dict(m) for r, m in result.train_metrics_clientapp.items()},
        "evaluate": {r: dict(m) for r, m in result.evaluate_metrics_clientapp.items()},
        "final-params": [p.tolist() for p in result.arrays.to_numpy_ndarrays()],
    }


@app.main()
def main(grid: Grid, context: Context) -> None:
    """Una corrida: modelo inicial, configuración de los clientes, rondas e historial."""
    cfg = dict(context.run_config)
    np.random.seed(int(cfg["seed"]))  # el ruido de DP de Flower usa el generador global
    train_config = ConfigRecord(
        {
            "local-epochs": int(cfg["local-epochs"]),
            "learning-rate": float(cfg["learning-rate"]),
            "batch-size": int(cfg["batch-size"]),
            "seed": int(cfg["seed"]),
        }
    )
    marks: dict[int, float] = {}
    result = build_strategy(cfg).start(
        grid=grid,
        initial_arrays=ArrayRecord(fl_model.init_params(N_FEATURES, N_CLASSES)),
        num_rounds=int(cfg["num-server-rounds"]),
        train_config=train_config,
        evaluate_fn=timed_rounds(global_evaluation(str(cfg["test-data"])), marks),
    )
    if cfg.get("results-path"):
        history = run_history(str(cfg["strategy"]), result, marks)
        Path(str(cfg["results-path"])).write_text(json.dumps(history))
