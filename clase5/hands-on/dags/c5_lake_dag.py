"""DAG de la Clase 5: ingesta -> ETL con controles de calidad -> entrenamiento -> registro.

Usa el data lake en S3 (MinIO del stack) y MLflow solo a través de las variables de entorno
estándar (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, MLFLOW_TRACKING_URI...), así que el mismo archivo
corre contra otro endpoint sin cambios. La lógica vive en el paquete `lake` (carpeta de arriba),
la misma que usan los notebooks: el stack pone `clase5/hands-on` en el PYTHONPATH de Airflow
(modo local y compose), así que cada tarea hace `from lake import ...`. Las tareas importan
`lake` adentro (no al principio del archivo): Airflow relee este archivo seguido y no necesita
pandas ni pyarrow para saber qué tareas hay.

Probarlo (desde la raíz del repositorio, con el stack levantado):

    .venv/bin/python -m stack.localstack airflow dags test clase5_lake_pipeline
    .venv/bin/python -m stack.localstack airflow dags test clase5_lake_pipeline \
        -c '{"model_name": "clase5-otro", "days": 4}'
"""

from __future__ import annotations

from datetime import date, datetime

from airflow.sdk import dag, get_current_context, task

PARAMS = {"start": "2026-01-01", "days": 5, "model_name": "clase5-fallas", "C": [0.01, 1.0]}


def lake_config():
    """Configuración desde el entorno, con el modelo que pida la corrida (`model_name`)."""
    from dataclasses import replace

    from lake.config import LakeConfig

    params = get_current_context()["params"]
    return replace(LakeConfig.from_env(), model_name=params["model_name"])


@task
def prepare() -> list[str]:
    """Crea los buckets de las zonas (idempotente) y devuelve los días a procesar."""
    from lake.config import ensure_buckets
    from lake.ingest import days_from

    ensure_buckets(lake_config())
    params = get_current_context()["params"]
    return [d.isoformat() for d in days_from(params["start"], int(params["days"]))]


@task
def ingest(day: str) -> dict:
    """Extrae las lecturas del día del sistema fuente (simulado) a la zona raw."""
    from lake.ingest import ingest_raw

    return {"day": day, **ingest_raw(lake_config(), date.fromisoformat(day))}


@task
def curate(raw: dict) -> dict:
    """raw -> curated del día; si no pasa la calidad, la tarea falla con la lista."""
    from lake.etl import raw_to_curated

    return raw_to_curated(lake_config(), date.fromisoformat(raw["day"]))


@task
def features(curated: list[dict]) -> dict:
    """curated -> features de todos los días (con su propio control de calidad)."""
    from lake.etl import build_features

    days = sorted(date.fromisoformat(c["day"]) for c in curated)
    return build_features(lake_config(), days)


@task
def train(feature_info: dict) -> dict:
    """Una corrida de MLflow por valor de C; devuelve la mejor por roc_auc."""
    from lake.training import train_and_log

    days = [date.fromisoformat(d) for d in feature_info["days"]]
    runs = [
        train_and_log(lake_config(), days, C=float(c), run_name=f"airflow-C{c}")
        for c in get_current_context()["params"]["C"]
    ]
    return max(runs, key=lambda r: (r["metrics"]["roc_auc"], -r["C"]))


@task
def register(best: dict) -> dict:
    """Registra la mejor corrida y la promueve a `champion` si no empeora al campeón."""
    from lake import registry

    config = lake_config()
    roc_auc = best["metrics"]["roc_auc"]
    version = registry.register(config, best["model_uri"], best["run_id"], roc_auc)
    return {"version": version, **registry.promote_if_better(config, version)}


@dag(
    dag_id="clase5_lake_pipeline",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params=PARAMS,
    tags=["clase5", "datalake", "mlflow"],
    doc_md=__doc__,
)
def clase5_lake_pipeline():
    """prepare -> ingest[día] -> curate[día] -> features -> train -> register."""
    days = prepare()
    curated = curate.expand(raw=ingest.expand(day=days))
    register(train(features(curated)))


clase5_lake_pipeline()
