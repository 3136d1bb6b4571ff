"""Entrenar con el lote curado, evaluar sobre el conjunto de referencia y registrar en MLflow.

La evaluación usa siempre ``data.reference_set()``, fijo y representativo: así las métricas de
versiones entrenadas con lotes distintos se pueden comparar (ver ``promotion``).
"""

from __future__ import annotations

import pandas as pd
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from proyecto_ref import data, lake, registry
from proyecto_ref.config import Settings

SEED = 42


def build_model() -> Pipeline:
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=SEED))


def evaluate(model, df: pd.DataFrame) -> dict[str, float]:
    """Métricas sobre `df` (por lo general, el conjunto de referencia), con 4 decimales."""
    X, y = df[list(data.FEATURES)], df[data.TARGET]
    proba = model.predict_proba(X)[:, 1]
    return {
        "roc_auc": round(float(roc_auc_score(y, proba)), 4),
        "accuracy": round(float(accuracy_score(y, proba >= 0.5)), 4),
        "f1": round(float(f1_score(y, proba >= 0.5)), 4),
    }


def train_and_register(settings: Settings, batch: str) -> dict:
    """Paso 3: entrena con el lote curado, evalúa, registra la corrida y una versión del modelo."""
    train = lake.read_curated(settings, batch)
    X, y = train[list(data.FEATURES)], train[data.TARGET]
    model = build_model().fit(X, y)
    metrics = evaluate(model, data.reference_set())
    registered = registry.register(
        settings,
        model,
        signature=infer_signature(X, model.predict_proba(X)[:, 1]),
        run_name=f"batch-{batch}",
        params={"batch": batch, "rows": len(train), "model": "StandardScaler+LR"},
        metrics=metrics,
        tags={"batch": batch},
    )
    return {**registered, "metrics": metrics}
