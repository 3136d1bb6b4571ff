"""El modelo de fraude: features, entrenamiento y exportación a JSON (sin pickle).

El modelo se entrena con scikit-learn pero se **exporta** como JSON con sus coeficientes
(`LinearScorer`): el consumidor lo carga y predice solo con numpy. Arranca en una fracción del
tiempo (no importa scikit-learn) y no usa pickle, que ejecuta código al cargar (Clase 7).

    python -m fraud_stream train --output artifacts/fraud_model.json
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .simulation import FIELDS, simulate

FEATURES = ("log_amount", "night", "distance_km", "merchant_risk")
# Relativa a la carpeta desde donde se ejecuta (los notebooks y la CLI corren en `hands-on/`).
DEFAULT_MODEL_PATH = Path("artifacts") / "fraud_model.json"


def features(amount, hour, distance_km, merchant_risk) -> np.ndarray:
    """Matriz de features (una fila por transacción): la MISMA función al entrenar y al servir."""
    amount = np.asarray(amount, dtype=float)
    hour = np.asarray(hour, dtype=float)
    return np.column_stack(
        [np.log(amount), (hour < 6).astype(float), distance_km, merchant_risk]
    ).astype(float)


def fit(data: dict[str, np.ndarray]):
    """Regresión logística sobre las features estandarizadas (un Pipeline de scikit-learn)."""
    # scikit-learn se importa aquí: el consumidor y el productor no necesitan cargarlo.
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x = features(*(data[f] for f in FIELDS))
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(x, data["label"])


def reference_profile(x: np.ndarray) -> dict[str, list[float]]:
    """La distribución de entrenamiento de cada feature, resumida en sus percentiles 0–100.

    Viaja con el modelo: es la referencia contra la que el consumidor calcula el PSI (deriva).
    """
    percentiles = np.percentile(x, np.arange(101), axis=0)
    return {name: np.round(percentiles[:, j], 6).tolist() for j, name in enumerate(FEATURES)}


def train(n: int = 4000, seed: int = 0, version: str = "v1") -> dict:
    """Entrena el modelo de producción con datos "de antes" (sin inflación)."""
    data = simulate(n, seed=seed)
    model = fit(data)
    holdout = simulate(2000, seed=seed + 1)
    x = features(*(holdout[f] for f in FIELDS))
    accuracy = float((model.predict(x) == holdout["label"]).mean())
    reference = reference_profile(features(*(data[f] for f in FIELDS)))
    return {
        "model": model,
        "version": version,
        "features": FEATURES,
        "holdout_accuracy": accuracy,
        "reference": reference,
    }


class LinearScorer:
    """Regresión logística exportada: estandarizar, producto escalar y sigmoide, con numpy."""

    def __init__(self, mean, scale, coef, intercept: float):
        self.mean = np.asarray(mean, dtype=float)
        self.scale = np.asarray(scale, dtype=float)
        self.coef = np.asarray(coef, dtype=float)
        self.intercept = float(intercept)

    @classmethod
    def from_pipeline(cls, pipeline) -> LinearScorer:
        scaler, logistic = pipeline[0], pipeline[-1]
        return cls(scaler.mean_, scaler.scale_, logistic.coef_[0], logistic.intercept_[0])

    def predict_proba(self, x) -> np.ndarray:
        z = ((np.asarray(x, dtype=float) - self.mean) / self.scale) @ self.coef + self.intercept
        p = 1 / (1 + np.exp(-z))
        return np.column_stack([1 - p, p])

    def predict(self, x) -> np.ndarray:
        return (self.predict_proba(x)[:, 1] >= 0.5).astype(int)


def save(bundle: dict, path: str | Path = DEFAULT_MODEL_PATH) -> Path:
    """Exporta el modelo a JSON: coeficientes, versión y metadatos."""
    scorer = LinearScorer.from_pipeline(bundle["model"])
    document = {
        "version": bundle["version"],
        "features": list(bundle["features"]),
        "holdout_accuracy": bundle["holdout_accuracy"],
        "mean": scorer.mean.tolist(),
        "scale": scorer.scale.tolist(),
        "coef": scorer.coef.tolist(),
        "intercept": scorer.intercept,
        "reference": bundle["reference"],
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def load(path: str | Path = DEFAULT_MODEL_PATH) -> dict:
    """Carga el modelo exportado: {"model": LinearScorer, "version": ..., ...}."""
    document = json.loads(Path(path).read_text())
    if tuple(document["features"]) != FEATURES:
        raise ValueError(f"el modelo espera {document['features']}, este código usa {FEATURES}")
    model = LinearScorer(
        document["mean"], document["scale"], document["coef"], document["intercept"]
    )
    return {**document, "model": model, "reference": document.get("reference", {})}
