"""El registro de modelos: cada entrenamiento aceptado es una versión nueva, y el alias
`champion` dice cuál se sirve. Quien despliega no pregunta «¿cuál es la última versión?» sino
«¿quién es el campeón?»: mover el alias es desplegar (y volver atrás). Cuándo se mueve el alias
lo decide `promotion.py`.
"""

from __future__ import annotations

import contextlib
import io

from .config import LakeConfig


def register(config: LakeConfig, model_uri: str, run_id: str) -> str:
    """Registra el modelo como versión nueva de `config.model_name`; devuelve el número."""
    import mlflow

    mlflow.set_tracking_uri(config.tracking_uri)
    # register_model anuncia en stderr lo que hace; la versión ya se devuelve, sin ese ruido.
    with contextlib.redirect_stderr(io.StringIO()):
        version = mlflow.register_model(model_uri, config.model_name, await_registration_for=60)
    client = mlflow.MlflowClient(config.tracking_uri)
    client.set_model_version_tag(config.model_name, version.version, "run_id", run_id)
    return version.version


def champion_version(config: LakeConfig, alias: str = "champion") -> str | None:
    """La versión a la que apunta `alias`, o None si el alias (o el modelo) no existe."""
    import mlflow
    from mlflow.exceptions import MlflowException

    client = mlflow.MlflowClient(config.tracking_uri)
    try:
        return client.get_model_version_by_alias(config.model_name, alias).version
    except MlflowException:
        return None


def load_version(config: LakeConfig, version: str):
    """El modelo de scikit-learn de esa versión (con `predict_proba`, para medir ROC AUC)."""
    import mlflow

    mlflow.set_tracking_uri(config.tracking_uri)
    return mlflow.sklearn.load_model(f"models:/{config.model_name}/{version}")
