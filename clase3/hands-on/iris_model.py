"""El modelo que sirve la Clase 3: entrenar, guardar y cargar el clasificador de iris.

Los tres servidores de la clase (gRPC, REST y GraphQL) sirven este mismo "paquete": un
diccionario con el modelo, su versión, el orden de las columnas y el de las clases. Es el mismo
tipo de modelo y con los mismos parámetros que el de la Clase 1 (un `RandomForestClassifier` de
200 árboles, semilla 42, un núcleo), así las cifras de las dos clases se pueden comparar.

Fuera de Jupyter, desde `clase3/hands-on/`:

    python iris_model.py                          # guarda artifacts/iris_rf.joblib
    python iris_model.py --output otro.joblib --version 1.1.0
"""

from __future__ import annotations

import argparse
from pathlib import Path

import joblib
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
DEFAULT_MODEL_PATH = Path("artifacts") / "iris_rf.joblib"  # relativa a la carpeta de trabajo
SEED = 42


def train(n_estimators: int = 200, version: str = "1.0.0") -> dict:
    """Entrena un RandomForest sobre iris y devuelve el paquete que cargan los servidores."""
    iris = load_iris()
    x_train, x_test, y_train, y_test = train_test_split(
        iris.data, iris.target, test_size=0.3, random_state=SEED, stratify=iris.target
    )
    # n_jobs=1: un solo núcleo, igual que un worker del servidor; así las mediciones comparan.
    model = RandomForestClassifier(n_estimators=n_estimators, random_state=SEED, n_jobs=1)
    model.fit(x_train, y_train)
    return {
        "model": model,
        "version": version,
        "features": FEATURES,  # orden de las columnas que espera el modelo (en cm)
        "classes": [str(name) for name in iris.target_names],
        "test_accuracy": float(accuracy_score(y_test, model.predict(x_test))),
    }


def save(bundle: dict, path: str | Path = DEFAULT_MODEL_PATH) -> Path:
    """Guarda el paquete con joblib (crea la carpeta si falta) y devuelve la ruta."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(bundle, path)
    return path


def load(path: str | Path) -> dict:
    """Carga un paquete guardado con `save`, o falla con un mensaje que dice cómo crearlo."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"no existe el modelo {path}: crearlo con `python iris_model.py --output {path}`"
        )
    bundle = joblib.load(path)
    missing = {"model", "version", "features", "classes"} - set(bundle)
    if missing:
        raise ValueError(f"{path} no es un paquete de iris_model.py: le falta {sorted(missing)}")
    return bundle


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Entrena y guarda el modelo de iris.")
    parser.add_argument("--output", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--n-estimators", type=int, default=200)
    parser.add_argument("--version", default="1.0.0")
    args = parser.parse_args(argv)
    bundle = train(n_estimators=args.n_estimators, version=args.version)
    path = save(bundle, args.output)
    accuracy = bundle["test_accuracy"]
    print(f"Modelo {bundle['version']} guardado en {path} (exactitud en test: {accuracy:.3f})")


if __name__ == "__main__":
    main()
