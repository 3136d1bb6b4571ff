"""Entrenamiento y evaluación; `register` sube una versión al registro de MLflow.

python -m mi_proyecto.train --output model.joblib
"""

from __future__ import annotations

import argparse
import tempfile

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from mi_proyecto import data


def train(df: pd.DataFrame) -> Pipeline:
    model = make_pipeline(StandardScaler(), LogisticRegression(random_state=0))
    return model.fit(df[list(data.FEATURES)], df[data.TARGET])


def evaluate(model: Pipeline, df: pd.DataFrame) -> dict[str, float]:
    proba = model.predict_proba(df[list(data.FEATURES)])[:, 1]
    return {"roc_auc": float(roc_auc_score(df[data.TARGET], proba))}


def register(model: Pipeline, metrics: dict[str, float], tracking_uri: str, name: str) -> str:
    """Registra una versión en MLflow y devuelve su número (la promoción se decide aparte).

    Con `MlflowClient(tracking_uri)` y no `mlflow.set_tracking_uri`, que en MLflow 3 escribe
    `MLFLOW_TRACKING_URI` en `os.environ` (estado global que afecta a todo el proceso).
    """
    import mlflow.sklearn
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient(tracking_uri)
    experiment = client.get_experiment_by_name(name)
    experiment_id = experiment.experiment_id if experiment else client.create_experiment(name)
    run_id = client.create_run(experiment_id).info.run_id
    for key, value in metrics.items():
        client.log_metric(run_id, key, value)
    with tempfile.TemporaryDirectory() as tmp:
        mlflow.sklearn.save_model(model, f"{tmp}/model")
        client.log_artifacts(run_id, f"{tmp}/model", artifact_path="model")
    client.set_terminated(run_id)
    try:
        client.create_registered_model(name)
    except MlflowException as error:
        if error.error_code != "RESOURCE_ALREADY_EXISTS":
            raise
    return str(client.create_model_version(name, f"runs:/{run_id}/model", run_id=run_id).version)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Entrena y guarda el modelo")
    parser.add_argument("--output", default="model.joblib")
    args = parser.parse_args(argv)
    import joblib

    model = train(data.validate(data.generate(seed=1)))
    print(evaluate(model, data.generate(seed=2)))
    joblib.dump(model, args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
