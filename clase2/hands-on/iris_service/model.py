"""El modelo del servicio: entrenar, guardar y cargar el "paquete" que sirve la API.

Un paquete es un diccionario con el modelo, su **versión** (la del registro de MLflow: así la
fachada compara lo que se sirve con lo que se aprobó), el orden de las columnas y el de las
clases. Un *random forest* pequeño (50 árboles de profundidad 4, semilla fija) sobre iris: se
entrena en menos de un segundo y da siempre el mismo modelo.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import joblib
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]  # en cm
BUNDLE_KEYS = {"model", "version", "features", "classes"}
SEED = 42


def train(version: str = "1", n_estimators: int = 50) -> dict:
    """Entrena el clasificador y devuelve el paquete que carga la API."""
    iris = load_iris()
    x_train, x_test, y_train, y_test = train_test_split(
        iris.data, iris.target, test_size=0.3, random_state=SEED, stratify=iris.target
    )
    model = RandomForestClassifier(
        n_estimators=n_estimators, max_depth=4, random_state=SEED, n_jobs=1
    )
    model.fit(x_train, y_train)
    return {
        "model": model,
        "version": version,
        "features": FEATURES,
        "classes": [str(name) for name in iris.target_names],
        "test_accuracy": float(accuracy_score(y_test, model.predict(x_test))),
    }


def save(bundle: dict, path: str | Path) -> Path:
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
    if not path.is_file():
        raise FileNotFoundError(
            f"no existe el modelo {path}: crearlo con "
            f"`python -m iris_service train --output {path}`"
        )
    bundle = joblib.load(path)
    missing = BUNDLE_KEYS - set(bundle)
    if missing:
        raise ValueError(f"{path} no es un paquete de iris_service: le falta {sorted(missing)}")
    return bundle
