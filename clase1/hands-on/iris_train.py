"""Entrena el clasificador de iris que sirve la API de la Clase 1 y lo guarda con joblib.

Uso fuera de Jupyter:
    python iris_train.py                      # guarda artifacts/iris_rf.joblib
    python iris_train.py --output otro.joblib --version 1.1.0
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import joblib
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
DEFAULT_MODEL_PATH = Path(__file__).parent / "artifacts" / "iris_rf.joblib"
SEED = 42


def train(n_estimators: int = 200, version: str = "1.0.0") -> dict:
    """Entrena un RandomForest sobre iris y devuelve el "paquete" que carga la API."""
    iris = load_iris()
    x_train, x_test, y_train, y_test = train_test_split(
        iris.data, iris.target, test_size=0.3, random_state=SEED, stratify=iris.target
    )
    # n_jobs=1: un solo núcleo, igual que un worker de la API; así las mediciones son comparables.
    model = RandomForestClassifier(n_estimators=n_estimators, random_state=SEED, n_jobs=1)
    model.fit(x_train, y_train)
    return {
        "model": model,
        "version": version,
        "features": FEATURES,  # orden de columnas que espera el modelo (en cm)
        "classes": [str(name) for name in iris.target_names],
        "test_accuracy": float(accuracy_score(y_test, model.predict(x_test))),
    }


def save(bundle: dict, path: Path = DEFAULT_MODEL_PATH) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Escritura atómica: a un temporal de la misma carpeta y luego os.replace. Quien lo lea a la
    # vez (otro notebook, otra réplica) ve el modelo anterior o el nuevo, nunca uno a medias.
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    joblib.dump(bundle, tmp)
    os.replace(tmp, path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="Entrena y guarda el modelo de iris.")
    parser.add_argument("--output", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--n-estimators", type=int, default=200)
    parser.add_argument("--version", default="1.0.0")
    args = parser.parse_args()
    bundle = train(n_estimators=args.n_estimators, version=args.version)
    path = save(bundle, args.output)
    accuracy = bundle["test_accuracy"]
    print(f"Modelo {bundle['version']} guardado en {path} (exactitud en test: {accuracy:.3f})")


if __name__ == "__main__":
    main()
