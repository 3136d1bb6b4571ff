"""DataLoaders: juntan los pedidos de un mismo "tick" del bucle en una sola llamada a MLflow.

Cada función de lote recibe una lista de claves y devuelve los valores **en el mismo orden**
(`None` donde falta uno): MLflow responde en su propio orden y puede omitir claves. Los
loaders se crean por solicitud: su caché no debe mezclar datos de distintos clientes ni
sobrevivir a una mutación.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from strawberry.dataloader import DataLoader

from .gateway import MlflowGateway


async def load_runs(mlflow: MlflowGateway, run_ids: list[str]) -> list:
    """Muchos runs con una búsqueda: `attributes.run_id IN (...)`."""
    experiments = await mlflow.call("search_experiments")
    wanted = ", ".join(f"'{run_id}'" for run_id in run_ids)  # ids validados (hex)
    runs = await mlflow.call(
        "search_runs",
        [e.experiment_id for e in experiments],
        filter_string=f"attributes.run_id IN ({wanted})",
        max_results=len(run_ids),
    )
    by_id = {run.info.run_id: run for run in runs}
    return [by_id.get(run_id) for run_id in run_ids]


async def load_experiments(mlflow: MlflowGateway, experiment_ids: list[str]) -> list:
    """Muchos experimentos con una búsqueda (son pocos: se traen todos)."""
    experiments = await mlflow.call("search_experiments")
    by_id = {e.experiment_id: e for e in experiments}
    return [by_id.get(experiment_id) for experiment_id in experiment_ids]


async def load_versions(mlflow: MlflowGateway, model_names: list[str]) -> list[list]:
    """Las versiones de muchos modelos con una búsqueda: `name IN (...)`."""
    wanted = ", ".join(f"'{name}'" for name in model_names)  # nombres validados
    versions = await mlflow.call("search_model_versions", f"name IN ({wanted})")
    grouped: dict[str, list] = {name: [] for name in model_names}
    for version in versions:
        grouped[version.name].append(version)
    return [sorted(grouped[name], key=lambda v: int(v.version)) for name in model_names]


@dataclass
class Loaders:
    run_by_id: DataLoader
    experiment_by_id: DataLoader
    versions_by_model: DataLoader


def make_loaders(mlflow: MlflowGateway) -> Loaders:
    """Loaders nuevos para una solicitud, todos sobre el mismo gateway (que cuenta llamadas)."""
    return Loaders(
        run_by_id=DataLoader(load_fn=partial(load_runs, mlflow)),
        experiment_by_id=DataLoader(load_fn=partial(load_experiments, mlflow)),
        versions_by_model=DataLoader(load_fn=partial(load_versions, mlflow)),
    )
