"""Modelo de fraude de la Clase 4: datos simulados, features y entrenamiento.

Las transacciones se generan con una regla conocida (así se puede medir el efecto de la deriva):
la probabilidad de fraude crece con el monto *relativo al monto típico del momento*, con las
compras de madrugada, con la distancia al domicilio y con el riesgo del comercio. Cuando hay
"inflación" (``amount_scale`` > 1) los montos suben pero la regla sigue siendo relativa: un modelo
entrenado antes ve todo como caro y se equivoca.

    python fraud_model.py --output artifacts/fraud_model.json

El modelo se entrena con scikit-learn pero se **exporta** como JSON con sus coeficientes
(`LinearScorer`): el consumidor lo carga y predice solo con numpy. Arranca en una fracción del
tiempo (no importa scikit-learn) y no usa pickle, que ejecuta código al cargar (Clase 7).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

# Campos numéricos de una transacción (los valida el consumidor) y features del modelo.
FIELDS = ("amount", "hour", "distance_km", "merchant_risk")
FEATURES = ("log_amount", "night", "distance_km", "merchant_risk")
TYPICAL_AMOUNT = 50.0
DEFAULT_MODEL_PATH = Path(__file__).parent / "artifacts" / "fraud_model.json"


def simulate(n: int, seed: int = 0, amount_scale: float = 1.0) -> dict[str, np.ndarray]:
    """`n` transacciones simuladas (columnas de FIELDS más `label`), reproducibles por `seed`."""
    rng = np.random.default_rng(seed)
    amount = np.round(rng.lognormal(math.log(TYPICAL_AMOUNT), 0.8, n) * amount_scale, 2)
    hour = rng.integers(0, 24, n)
    distance_km = np.round(rng.exponential(10.0, n), 2)
    merchant_risk = np.round(rng.beta(2, 8, n), 3)
    logit = (
        -3.0
        + 2.2 * np.log(amount / (TYPICAL_AMOUNT * amount_scale))
        + 1.5 * (hour < 6)
        + 0.05 * distance_km
        + 6.0 * (merchant_risk - 0.2)
    )
    label = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return {
        "amount": amount,
        "hour": hour,
        "distance_km": distance_km,
        "merchant_risk": merchant_risk,
        "label": label,
    }


def features(amount, hour, distance_km, merchant_risk) -> np.ndarray:
    """Matriz de features (una fila por transacción): la MISMA función al entrenar y al servir."""
    amount = np.asarray(amount, dtype=float)
    hour = np.asarray(hour, dtype=float)
    return np.column_stack(
        [np.log(amount), (hour < 6).astype(float), distance_km, merchant_risk]
    ).astype(float)


def fit(data: dict[str, np.ndarray]):
    """Regresión logística sobre las features estandarizadas (un Pipeline de scikit-learn)."""
    # scikit-learn se importa acá: el productor usa `simulate` y no necesita cargarlo.
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x = features(*(data[f] for f in FIELDS))
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(x, data["label"])


def train(n: int = 4000, seed: int = 0, version: str = "v1") -> dict:
    """Entrena el modelo de producción con datos "de antes" (sin inflación)."""
    data = simulate(n, seed=seed)
    model = fit(data)
    holdout = simulate(2000, seed=seed + 1)
    x = features(*(holdout[f] for f in FIELDS))
    accuracy = float((model.predict(x) == holdout["label"]).mean())
    return {"model": model, "version": version, "features": FEATURES, "holdout_accuracy": accuracy}


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
    return {**document, "model": model}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--samples", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    bundle = train(args.samples, args.seed)
    path = save(bundle, args.output)
    accuracy = bundle["holdout_accuracy"]
    print(f"modelo {bundle['version']} guardado en {path} (exactitud {accuracy:.3f})")


if __name__ == "__main__":
    main()
