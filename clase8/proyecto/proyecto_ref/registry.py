"""El registro de modelos de MLflow, con el servidor siempre explícito (``MlflowClient``).

No se usa ``mlflow.set_tracking_uri``: en MLflow 3 esa función escribe ``MLFLOW_TRACKING_URI``
en ``os.environ``, un estado global que se filtra a todo lo que corre después en el proceso (otro
servicio, otra prueba, otra tarea del DAG). Cada función recibe la configuración y habla con
``settings.mlflow_tracking_uri``, nada más.

Una versión registrada = una corrida con parámetros y métricas + la carpeta del modelo
(``mlflow.sklearn.save_model``) subida como artefacto + ``create_model_version`` sobre ella.
"""

from __future__ import annotations

import tempfile

import mlflow.artifacts
import mlflow.sklearn
import sklearn
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.models import ModelSignature

from proyecto_ref.config import Settings


def client(settings: Settings) -> MlflowClient:
    return MlflowClient(tracking_uri=settings.mlflow_tracking_uri)


def register(
    settings: Settings,
    model,
    signature: ModelSignature,
    run_name: str,
    params: dict,
    metrics: dict[str, float],
    tags: dict[str, str],
) -> dict:
    """Registra una corrida y una versión nueva del modelo; devuelve run_id y versión."""
    mlflow_client = client(settings)
    experiment_id = _experiment_id(mlflow_client, settings.experiment)
    run_id = mlflow_client.create_run(experiment_id, run_name=run_name).info.run_id
    try:
        for key, value in params.items():
            mlflow_client.log_param(run_id, key, value)
        for key, value in metrics.items():
            mlflow_client.log_metric(run_id, key, value)
        with tempfile.TemporaryDirectory() as tmp:
            # Requisitos explícitos: inferirlos cargando el modelo en otro proceso tarda mucho.
            requirements = [f"scikit-learn=={sklearn.__version__}"]
            path = f"{tmp}/model"
            mlflow.sklearn.save_model(
                model, path, signature=signature, pip_requirements=requirements
            )
            mlflow_client.log_artifacts(run_id, path, artifact_path="model")
    except Exception:
        mlflow_client.set_terminated(run_id, status="FAILED")
        raise
    mlflow_client.set_terminated(run_id)
    _ensure_registered_model(mlflow_client, settings.model_name)
    version = mlflow_client.create_model_version(
        settings.model_name, f"runs:/{run_id}/model", run_id=run_id, tags=tags
    )
    return {"run_id": run_id, "version": str(version.version)}


def _experiment_id(mlflow_client: MlflowClient, name: str) -> str:
    experiment = mlflow_client.get_experiment_by_name(name)
    return experiment.experiment_id if experiment else mlflow_client.create_experiment(name)


def _ensure_registered_model(mlflow_client: MlflowClient, name: str) -> None:
    try:
        mlflow_client.create_registered_model(name)
    except MlflowException as error:
        if error.error_code != "RESOURCE_ALREADY_EXISTS":
            raise


def load_version(settings: Settings, version: str):
    """Descarga y carga una versión por número (el modelo de scikit-learn, con predict_proba)."""
    mlflow_client = client(settings)
    source = mlflow_client.get_model_version_download_uri(settings.model_name, version)
    with tempfile.TemporaryDirectory() as tmp:
        path = mlflow.artifacts.download_artifacts(
            artifact_uri=source, dst_path=tmp, tracking_uri=settings.mlflow_tracking_uri
        )
        return mlflow.sklearn.load_model(path)


def champion_version(settings: Settings) -> str | None:
    """Versión que hoy tiene el alias ``champion`` (None si todavía no hay campeón)."""
    try:
        found = client(settings).get_model_version_by_alias(
            settings.model_name, settings.champion_alias
        )
    except MlflowException:  # modelo o alias inexistente
        return None
    return str(found.version)
