"""Entrenar, evaluar, registrar en MLflow y promover a ``champion`` solo si mejora.

La regla de promoción compara al **retador** (la versión recién registrada) con el **campeón**
actual sobre el mismo conjunto de referencia (``data.reference_set``), reevaluando a ambos: así la
comparación es justa aunque el campeón se haya entrenado con otros datos o en otra época.
"""

from __future__ import annotations

import os

import mlflow
import mlflow.sklearn
import pandas as pd
import sklearn
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from proyecto_ref import data
from proyecto_ref.config import Settings

SEED = 42
# Los requisitos del modelo se declaran explícitos (pip_requirements): que MLflow no copie además
# uv.lock y pyproject.toml del directorio actual a cada artefacto.
os.environ.setdefault("MLFLOW_LOG_UV_FILES", "false")


def build_model() -> Pipeline:
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=SEED))


def evaluate(model, df: pd.DataFrame) -> dict[str, float]:
    """Métricas sobre `df` (por defecto, el conjunto de referencia), redondeadas a 4 decimales."""
    X, y = df[list(data.FEATURES)], df[data.TARGET]
    proba = model.predict_proba(X)[:, 1]
    return {
        "roc_auc": round(float(roc_auc_score(y, proba)), 4),
        "accuracy": round(float(accuracy_score(y, proba >= 0.5)), 4),
        "f1": round(float(f1_score(y, proba >= 0.5)), 4),
    }


def train_and_register(settings: Settings, batch: str) -> dict:
    """Paso 3: entrena con el lote curado, evalúa, registra la corrida y una versión del modelo."""
    mlflow.set_tracking_uri(settings.mlflow_tracking_uri)
    mlflow.set_experiment(settings.experiment)
    train = data.read_curated(settings, batch)
    X, y = train[list(data.FEATURES)], train[data.TARGET]
    model = build_model().fit(X, y)
    metrics = evaluate(model, data.reference_set())
    with mlflow.start_run(run_name=f"lote-{batch}") as run:
        mlflow.log_params({"batch": batch, "rows": len(train), "model": "StandardScaler+LR"})
        mlflow.log_metrics(metrics)
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(X, model.predict_proba(X)[:, 1]),
            # Requisitos explícitos: inferirlos cargando el modelo en otro proceso tarda mucho.
            pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
            registered_model_name=settings.model_name,
        )
    version = str(info.registered_model_version)
    client = MlflowClient(settings.mlflow_tracking_uri)
    client.set_model_version_tag(settings.model_name, version, "batch", batch)
    return {"run_id": run.info.run_id, "version": version, "metrics": metrics}


def current_champion(settings: Settings) -> str | None:
    """Versión que hoy tiene el alias ``champion`` (None si todavía no hay campeón)."""
    client = MlflowClient(settings.mlflow_tracking_uri)
    try:
        mv = client.get_model_version_by_alias(settings.model_name, settings.champion_alias)
    except MlflowException:  # modelo o alias inexistente
        return None
    return str(mv.version)


def promote_if_better(settings: Settings, version: str) -> dict:
    """Paso 4: el retador pasa a ``champion`` solo si supera al campeón por ``min_improvement``."""
    mlflow.set_tracking_uri(settings.mlflow_tracking_uri)
    client = MlflowClient(settings.mlflow_tracking_uri)
    reference = data.reference_set()
    metric = settings.promotion_metric
    challenger_model = mlflow.sklearn.load_model(f"models:/{settings.model_name}/{version}")
    challenger = evaluate(challenger_model, reference)
    champion_version = current_champion(settings)
    if champion_version is None:
        champion_score = None
        promote, reason = True, "no había campeón"
    else:
        champion_model = mlflow.sklearn.load_model(settings.champion_uri)
        champion_score = evaluate(champion_model, reference)[metric]
        gain = challenger[metric] - champion_score
        promote = gain >= settings.min_improvement
        reason = (
            f"{metric} {challenger[metric]:.4f} vs {champion_score:.4f} del campeón "
            f"({'+' if gain >= 0 else ''}{gain:.4f}; mínimo exigido +{settings.min_improvement})"
        )
    if promote:
        client.set_registered_model_alias(settings.model_name, settings.champion_alias, version)
    client.set_model_version_tag(
        settings.model_name, version, "decision", "promovido" if promote else "rechazado"
    )
    return {
        "version": version,
        "promoted": promote,
        "reason": reason,
        "challenger_score": challenger[metric],
        "champion_score": champion_score,
        "previous_champion": champion_version,
    }
