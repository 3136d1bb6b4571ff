"""Entrenar, elegir `C` con validación, evaluar y registrar la corrida en MLflow.

Partición temporal por día (la misma en los notebooks, el DAG y las pruebas):

    entrenamiento   todos los días menos los dos últimos
    validación      el penúltimo día: ahí, y solo ahí, se elige la regularización `C`
    prueba          el último día: el conjunto de **referencia**, que se mira una sola vez

Elegir `C` mirando el día de prueba haría optimista la métrica publicada: el mismo día serviría
para elegir y para medir. Elegido `C`, el modelo final se reentrena con entrenamiento +
validación y se evalúa en prueba. La corrida guarda parámetros, métricas, el modelo (artefactos en
S3 a través del servidor de MLflow) y la referencia exacta a sus datos (ruta y versión de cada
objeto Parquet, `reference.py`): la del entrenamiento y la del día de prueba.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from datetime import date
from typing import NamedTuple

import pandas as pd

from .config import LakeConfig
from .etl import read_partitions
from .features import FEATURE_SET, FEATURES, TARGET
from .reference import Reference, feature_versions, features_reference

C_GRID = (0.01, 0.1, 1.0)  # valores de `C` que se prueban en validación


class Split(NamedTuple):
    train: pd.DataFrame
    validation: pd.DataFrame
    test: pd.DataFrame


def split_by_day(frame: pd.DataFrame) -> Split:
    """Entrenamiento (días anteriores), validación (penúltimo día) y prueba (último día)."""
    days = sorted(frame["fecha"].unique())
    if len(days) < 3:
        raise ValueError(
            f"hacen falta al menos 3 días (entrenamiento, validación y prueba); hay {len(days)}"
        )
    validation_day, test_day = days[-2], days[-1]
    return Split(
        train=frame[frame["fecha"] < validation_day],
        validation=frame[frame["fecha"] == validation_day],
        test=frame[frame["fecha"] == test_day],
    )


def fit_model(train: pd.DataFrame, C: float = 1.0):
    """Regresión logística con variables estandarizadas (`C`: regularización inversa)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=500))
    return model.fit(train[FEATURES], train[TARGET])


def evaluate(model, test: pd.DataFrame) -> dict[str, float]:
    """ROC AUC, F1 y exactitud (umbral 0.5), redondeadas a 4 decimales."""
    from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

    proba = model.predict_proba(test[FEATURES])[:, 1]
    predicted = (proba >= 0.5).astype(int)
    return {
        "roc_auc": round(float(roc_auc_score(test[TARGET], proba)), 4),
        "f1": round(float(f1_score(test[TARGET], predicted)), 4),
        "accuracy": round(float(accuracy_score(test[TARGET], predicted)), 4),
    }


def select_C(split: Split, grid=C_GRID) -> tuple[float, dict[float, float]]:
    """El `C` con mejor ROC AUC en validación (empate: el más regularizado) y cada puntaje."""
    scores = {}
    for C in grid:
        scores[float(C)] = evaluate(fit_model(split.train, C), split.validation)["roc_auc"]
    return max(scores, key=lambda C: (scores[C], -C)), scores


def log_dataset(config: LakeConfig, frame: pd.DataFrame, days: list[date]) -> None:
    """Registra en la corrida activa el dataset leído: ruta, días y versión de cada objeto."""
    import mlflow

    source = f"s3://{config.features_bucket}/{FEATURE_SET}"
    versions = feature_versions(config, days)
    digest = hashlib.sha256(json.dumps(versions, sort_keys=True).encode()).hexdigest()[:12]
    dataset = mlflow.data.from_pandas(
        frame[[*FEATURES, TARGET, "fecha"]],
        source=source,
        name=f"{FEATURE_SET}-{days[0]}-{days[-1]}",
        targets=TARGET,
        digest=digest,
    )
    mlflow.log_input(dataset, context="training")
    mlflow.set_tags(
        {
            "dataset.path": source,
            "dataset.days": ",".join(d.isoformat() for d in days),
            "dataset.versions": json.dumps(versions, sort_keys=True),
        }
    )


def log_run(config, days, frame, split, model, C, scores, metrics, reference: Reference) -> str:
    """Parámetros, métricas, datos y modelo en la corrida activa; devuelve la URI del modelo."""
    import mlflow
    import sklearn
    from mlflow.models import infer_signature

    mlflow.log_params({"C": C, "C_grid": json.dumps(sorted(scores)), "days": len(days)})
    mlflow.log_params({"model": "LogisticRegression", "train_rows": len(split.train)})
    mlflow.log_params({"validation_rows": len(split.validation), "test_rows": len(split.test)})
    mlflow.log_metrics({"validation_roc_auc": scores[C], **metrics})
    mlflow.log_dict({str(c): s for c, s in scores.items()}, "validacion_C.json")
    log_dataset(config, frame, days)
    mlflow.set_tags({"reference.digest": reference.digest, "reference.path": reference.path})
    mlflow.log_dict(reference.as_dict(), "referencia.json")
    signature = infer_signature(split.test[FEATURES], model.predict(split.test[FEATURES]))
    info = mlflow.sklearn.log_model(
        model,
        name="model",
        signature=signature,
        # Requisitos explícitos: MLflow no tiene que inferirlos importando el modelo.
        pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
    )
    return info.model_uri


def train_and_log(config: LakeConfig, days: list[date], C_grid=C_GRID, run_name=None) -> dict:
    """Elige `C` en validación, reentrena con entrenamiento + validación, evalúa en prueba y
    registra una corrida. Devuelve run_id, URI del modelo, métricas de prueba, `C` elegido, los
    puntajes de validación y la referencia (el día de prueba) como diccionario."""
    import mlflow

    mlflow.set_tracking_uri(config.tracking_uri)
    mlflow.set_experiment(config.experiment)
    frame = read_partitions(config, config.features_bucket, FEATURE_SET, days)
    split = split_by_day(frame)
    C, scores = select_C(split, C_grid)
    model = fit_model(pd.concat([split.train, split.validation]), C)
    metrics = evaluate(model, split.test)  # la única vez que se mira el día de prueba
    reference = features_reference(config, [date.fromisoformat(split.test["fecha"].iloc[0])])
    with warnings.catch_warnings(), mlflow.start_run(run_name=run_name or f"logreg-C{C}") as run:
        # Aviso genérico de MLflow al inferir esquemas con columnas enteras (la etiqueta).
        warnings.filterwarnings("ignore", message=".*Inferred schema contains integer")
        model_uri = log_run(config, days, frame, split, model, C, scores, metrics, reference)
    return {
        "run_id": run.info.run_id,
        "model_uri": model_uri,
        "metrics": metrics,
        "C": C,
        "validation": scores,
        "reference": reference.as_dict(),
    }
