"""Los modelos que sirve la Clase 3: entrenar, guardar y cargar un clasificador de iris.

Los tres servidores de la clase (gRPC, REST y GraphQL) sirven un "paquete": un diccionario con
el modelo, su nombre, su versión, el orden de las columnas y el de las clases. Hay dos modelos,
con el mismo contrato y costos muy distintos, para separar lo que cuesta el modelo de lo que
cuesta el transporte:

- `forest` (por defecto): un `RandomForestClassifier` de 200 árboles, semilla 42, un núcleo, el
  mismo tipo de modelo y los mismos parámetros que el de la Clase 1: milisegundos por llamada.
- `logistic`: una regresión logística, microsegundos por llamada. Con él, casi todo el tiempo
  de un pedido por la red es transporte.

Fuera de Jupyter, desde `clase3/hands-on/`:

    python iris_model.py                          # guarda artifacts/iris_rf.joblib
    python iris_model.py --kind logistic          # guarda artifacts/iris_logistic.joblib
    python iris_model.py --output otro.joblib --version 1.1.0
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import joblib
import numpy as np
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
DEFAULT_MODEL_PATH = Path("artifacts") / "iris_rf.joblib"  # relativa a la carpeta de trabajo
DEFAULT_PATHS = {"forest": DEFAULT_MODEL_PATH, "logistic": Path("artifacts/iris_logistic.joblib")}
NAMES = {"forest": "iris-random-forest", "logistic": "iris-logistic-regression"}
SEED = 42


def build(kind: str = "forest", n_estimators: int = 200):
    """El estimador sin entrenar. n_jobs=1: un núcleo, como un worker del servidor."""
    if kind == "forest":
        return RandomForestClassifier(n_estimators=n_estimators, random_state=SEED, n_jobs=1)
    if kind == "logistic":
        return LogisticRegression(max_iter=1000)
    raise ValueError(f"modelo desconocido {kind!r}: usar uno de {sorted(NAMES)}")


def train(kind: str = "forest", n_estimators: int = 200, version: str = "1.0.0") -> dict:
    """Entrena el modelo `kind` sobre iris y devuelve el paquete que cargan los servidores."""
    iris = load_iris()
    x_train, x_test, y_train, y_test = train_test_split(
        iris.data, iris.target, test_size=0.3, random_state=SEED, stratify=iris.target
    )
    model = build(kind, n_estimators).fit(x_train, y_train)
    return {
        "model": model,
        "name": NAMES[kind],
        "version": version,
        "features": FEATURES,  # orden de las columnas que espera el modelo (en cm)
        "classes": [str(name) for name in iris.target_names],
        "test_accuracy": float(accuracy_score(y_test, model.predict(x_test))),
    }


def sample_rows(n: int, seed: int = 0) -> np.ndarray:
    """`n` flores de iris elegidas al azar, con semilla: datos reales para probar y medir."""
    data = load_iris().data
    return data[np.random.default_rng(seed).integers(0, len(data), size=n)]


def save(bundle: dict, path: str | Path = DEFAULT_MODEL_PATH) -> Path:
    """Guarda el paquete con joblib (crea la carpeta si falta) y devuelve la ruta."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Escritura atómica: a un temporal de la misma carpeta y luego os.replace. Quien lo lea a la
    # vez (otro notebook, otra réplica) ve el modelo anterior o el nuevo, nunca uno a medias.
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    joblib.dump(bundle, tmp)
    os.replace(tmp, path)
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
    parser = argparse.ArgumentParser(description="Entrena y guarda un modelo de iris.")
    parser.add_argument("--kind", choices=sorted(NAMES), default="forest")
    parser.add_argument("--output", type=Path, help="por defecto, artifacts/iris_<modelo>.joblib")
    parser.add_argument("--n-estimators", type=int, default=200, help="solo para forest")
    parser.add_argument("--version", default="1.0.0")
    args = parser.parse_args(argv)
    bundle = train(args.kind, n_estimators=args.n_estimators, version=args.version)
    path = save(bundle, args.output or DEFAULT_PATHS[args.kind])
    accuracy = bundle["test_accuracy"]
    print(f"{bundle['name']} {bundle['version']} guardado en {path} (exactitud: {accuracy:.3f})")


if __name__ == "__main__":
    main()
