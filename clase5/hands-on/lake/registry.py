"""El registro de modelos: cada entrenamiento aceptado es una versión nueva, y el alias
`champion` dice cuál se sirve. Quien despliega no pregunta «¿cuál es la última versión?» sino
«¿quién es el campeón?»: mover el alias es desplegar (y volver atrás).
"""

from __future__ import annotations

import contextlib
import io

from .config import LakeConfig


def register(config: LakeConfig, model_uri: str, run_id: str, metric: float) -> str:
    """Registra el modelo como versión nueva de `config.model_name`; devuelve el número."""
    import mlflow

    mlflow.set_tracking_uri(config.tracking_uri)
    # register_model anuncia en stderr lo que hace; la versión ya se devuelve, sin ese ruido.
    with contextlib.redirect_stderr(io.StringIO()):
        version = mlflow.register_model(model_uri, config.model_name, await_registration_for=60)
    client = mlflow.MlflowClient(config.tracking_uri)
    client.set_model_version_tag(config.model_name, version.version, "roc_auc", str(metric))
    client.set_model_version_tag(config.model_name, version.version, "run_id", run_id)
    return version.version


def promote_if_better(config: LakeConfig, version: str, alias: str = "champion") -> dict:
    """Mueve `alias` a `version` si no hay campeón o si su roc_auc es mayor o igual."""
    import mlflow
    from mlflow.exceptions import MlflowException

    client = mlflow.MlflowClient(config.tracking_uri)
    new = float(client.get_model_version(config.model_name, version).tags["roc_auc"])
    try:
        current = client.get_model_version_by_alias(config.model_name, alias)
        old = float(current.tags.get("roc_auc", "-1"))
    except MlflowException:
        current, old = None, None
    promoted = current is None or new >= old
    if promoted:
        client.set_registered_model_alias(config.model_name, alias, version)
    return {"promoted": promoted, "new_roc_auc": new, "champion_roc_auc": old}
