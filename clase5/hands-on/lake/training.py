"""Entrenar, evaluar y registrar la corrida en MLflow con la referencia exacta a sus datos.

La corrida guarda parámetros, métricas, el modelo (artefactos en S3 a través del servidor de
MLflow) y, como entrada, el *dataset* de features con la versión de cada objeto Parquet leído:
con eso se recuperan byte a byte los datos del entrenamiento aunque el ETL los reescriba.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from datetime import date

import pandas as pd

from .config import LakeConfig
from .etl import read_partitions
from .features import FEATURE_SET, FEATURES, TARGET


def split_by_day(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Partición temporal: se evalúa con el último día, se entrena con los anteriores."""
    last = frame["fecha"].max()
    return frame[frame["fecha"] < last], frame[frame["fecha"] == last]


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


def feature_versions(config: LakeConfig, days: list[date]) -> dict[str, str]:
    """{clave: versión} de los Parquet de features de `days`: la referencia exacta de los datos."""
    s3 = config.s3_client()
    versions = {}
    for day in days:
        prefix = f"{FEATURE_SET}/fecha={day.isoformat()}/"
        listed = s3.list_objects_v2(Bucket=config.features_bucket, Prefix=prefix)
        for obj in listed.get("Contents", []):
            head = s3.head_object(Bucket=config.features_bucket, Key=obj["Key"])
            versions[obj["Key"]] = head.get("VersionId") or "null"
    return versions


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


def train_and_log(config: LakeConfig, days: list[date], C: float = 1.0, run_name=None) -> dict:
    """Entrena con las features de `days` y registra una corrida en MLflow con parámetros,
    métricas, el modelo (artefactos en S3 vía el servidor) y la referencia a los datos."""
    import mlflow
    import sklearn
    from mlflow.models import infer_signature

    mlflow.set_tracking_uri(config.tracking_uri)
    mlflow.set_experiment(config.experiment)
    frame = read_partitions(config, config.features_bucket, FEATURE_SET, days)
    train, test = split_by_day(frame)
    model = fit_model(train, C)
    metrics = evaluate(model, test)
    signature = infer_signature(test[FEATURES], model.predict(test[FEATURES]))
    with warnings.catch_warnings(), mlflow.start_run(run_name=run_name or f"logreg-C{C}") as run:
        # Aviso genérico de MLflow al inferir esquemas con columnas enteras (la etiqueta).
        warnings.filterwarnings("ignore", message=".*Inferred schema contains integer")
        mlflow.log_params({"C": C, "model": "LogisticRegression", "days": len(days)})
        mlflow.log_params({"train_rows": len(train), "test_rows": len(test)})
        mlflow.log_metrics(metrics)
        log_dataset(config, frame, days)
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=signature,
            # Requisitos explícitos: MLflow no tiene que inferirlos importando el modelo.
            pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
        )
    return {"run_id": run.info.run_id, "model_uri": info.model_uri, "metrics": metrics, "C": C}
