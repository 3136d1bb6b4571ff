"""Entrenamiento y evaluación. El registro en MLflow y la promoción van en `register`."""

from __future__ import annotations

import argparse

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
    """Registra una versión en MLflow y devuelve su número (la promoción se decide aparte)."""
    import mlflow
    import mlflow.sklearn

    mlflow.set_tracking_uri(tracking_uri)
    with mlflow.start_run():
        mlflow.log_metrics(metrics)
        info = mlflow.sklearn.log_model(model, name="model", registered_model_name=name)
    return str(info.registered_model_version)


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
