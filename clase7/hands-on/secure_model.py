"""Entrena el clasificador de dígitos de la Clase 7 y lo guarda **firmado**.

El modelo es una regresión logística sobre `load_digits` de scikit-learn: imágenes de 8×8
píxeles con intensidades 0–16, que aquí se escalan a [0, 1] (64 atributos por imagen).

Un archivo `.joblib` es un *pickle*: cargarlo puede ejecutar código arbitrario. Por eso `save`
escribe, junto al modelo, una firma HMAC-SHA256 de sus bytes (`.sig`) y un manifiesto (`.json`)
con `secure_api/signing.py`, el mismo archivo con el que la API verifica la firma **antes** de
deserializar. Quien no tenga la clave de firma no puede reemplazar el modelo sin que la API lo note.

Uso fuera de Jupyter (desde `clase7/hands-on/`):
    python secure_model.py                         # artifacts/digits_lr.joblib (+ .sig, .json)
    python secure_model.py --output otro.joblib --version 1.1.0

Variable de entorno: SECURE_MODEL_SIGNING_KEY (clave HMAC; tiene un valor de desarrollo).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import sklearn
from secure_api.signing import DEFAULT_MODEL_PATH, signing_key_from_env, write_signed
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

N_FEATURES = 64  # 8 × 8 píxeles
SEED = 0


def load_data(test_size: float = 0.3) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Dígitos escalados a [0, 1] y partidos en entrenamiento/prueba con semilla fija."""
    digits = load_digits()
    x = digits.data / 16.0
    return train_test_split(
        x, digits.target, test_size=test_size, random_state=SEED, stratify=digits.target
    )


def train(c: float = 1.0, version: str = "1.0.0") -> dict:
    """Entrena la regresión logística y devuelve el "paquete" que sirve la API."""
    x_train, x_test, y_train, y_test = load_data()
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(x_train, y_train)
    return {
        "model": model,
        "version": version,
        "n_features": N_FEATURES,
        "classes": [int(k) for k in model.classes_],
        "train_accuracy": float(accuracy_score(y_train, model.predict(x_train))),
        "test_accuracy": float(accuracy_score(y_test, model.predict(x_test))),
        "training_data": "sklearn.datasets.load_digits / 16, 70 % (random_state=0)",
        "sklearn_version": sklearn.__version__,
    }


def save(bundle: dict, path: Path = DEFAULT_MODEL_PATH, signing_key: str | None = None) -> Path:
    """Guarda el modelo firmado; sin `signing_key`, usa la del entorno (o la de desarrollo)."""
    return write_signed(bundle, path, signing_key or signing_key_from_env())


def main() -> None:
    parser = argparse.ArgumentParser(description="Entrena, guarda y firma el modelo de dígitos.")
    parser.add_argument("--output", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--c", type=float, default=1.0, help="inversa de la regularización L2")
    parser.add_argument("--version", default="1.0.0")
    args = parser.parse_args()
    bundle = train(c=args.c, version=args.version)
    path = save(bundle, args.output)
    print(
        f"Modelo {bundle['version']} guardado y firmado en {path} "
        f"(exactitud en prueba: {bundle['test_accuracy']:.3f})"
    )


if __name__ == "__main__":
    main()
