"""El modelo que sirve la API: de dónde se carga y cómo predice."""

from __future__ import annotations

import tempfile

import pandas as pd

from mi_proyecto import data


def load_model(uri: str, tracking_uri: str):
    """`models:/...` desde el registro de MLflow; cualquier otra cosa, un archivo joblib."""
    if uri.startswith("models:/"):
        import mlflow.artifacts
        import mlflow.sklearn

        with tempfile.TemporaryDirectory() as tmp:  # servidor explícito, sin estado global
            path = mlflow.artifacts.download_artifacts(
                artifact_uri=uri, dst_path=tmp, tracking_uri=tracking_uri, registry_uri=tracking_uri
            )
            return mlflow.sklearn.load_model(path)
    import joblib

    return joblib.load(uri)


def predict(model, rows: pd.DataFrame) -> list[float]:
    """Probabilidad de la clase positiva, una por fila, con 4 decimales."""
    proba = model.predict_proba(rows[list(data.FEATURES)])[:, 1]
    return [round(float(p), 4) for p in proba]
