"""DAG de la Clase 5: ingesta -> ETL con controles de calidad -> entrenamiento -> registro.

Usa el data lake en S3 (MinIO del stack) y MLflow solo a través de las variables de entorno
estándar (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, MLFLOW_TRACKING_URI...), así que el mismo archivo
corre contra otro endpoint sin cambios. La lógica vive en el paquete `lake` (carpeta de arriba),
la misma que usan los notebooks: el stack pone `clase5/hands-on` en el PYTHONPATH de Airflow
(modo local y compose), así que cada tarea hace `from lake import ...`. Las tareas importan
`lake` adentro (no al principio del archivo): Airflow relee este archivo seguido y no necesita
pandas ni pyarrow para saber qué tareas hay.

Lo corre el scheduler del stack cuando se lo dispara (interfaz web, API REST o CLI):

    .venv/bin/python -m stack.localstack airflow dags trigger clase5_lake_pipeline \
        -c '{"model_name": "clase5-otro", "days": 4}'

y, para depurarlo sin scheduler (todas las tareas en un proceso, desde la raíz del repositorio):

    .venv/bin/python -m stack.localstack airflow dags test clase5_lake_pipeline
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from airflow.sdk import Asset, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException

PARAMS = {
    "start": "2026-01-01",
    "days": 5,  # al menos 3: entrenamiento, validación (elige C) y prueba (referencia)
    "model_name": "clase5-fallas",
    "C": [0.01, 0.1, 1.0],
}
# Lo que produce el DAG y otros esperan: un DAG con `schedule=[FEATURES]` corre cada vez que
# `features` termina bien (ver c5_features_asset_dag.py). Airflow lo identifica por nombre y URI.
FEATURES = Asset(name="clase5-features", uri="s3://clase5-features/fallas")
DEFAULT_ARGS = {
    "retries": 2,  # S3 o MLflow pueden fallar un instante: se reintenta...
    "retry_delay": timedelta(seconds=20),  # ...después de una espera
    "execution_timeout": timedelta(minutes=10),  # una tarea colgada falla, no bloquea al resto
}


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
    """raw -> curated del día; si no pasa la calidad, falla con la lista y SIN reintentos."""
    from lake.etl import raw_to_curated
    from lake.quality import DataQualityError

    try:
        return raw_to_curated(lake_config(), date.fromisoformat(raw["day"]))
    except DataQualityError as error:  # reintentar no cambia los datos: falla definitiva
        raise AirflowFailException(str(error)) from None


@task(outlets=[FEATURES])
def features(curated: list[dict]) -> dict:
    """curated -> features de todos los días; al terminar bien emite un evento de FEATURES."""
    from lake.etl import build_features

    days = sorted(date.fromisoformat(c["day"]) for c in curated)
    info = build_features(lake_config(), days)
    get_current_context()["outlet_events"][FEATURES].extra = info  # viaja con el evento
    return info


@task
def train(feature_info: dict) -> dict:
    """Una corrida de MLflow: elige C en validación y evalúa en el día de prueba."""
    from lake.training import train_and_log

    days = [date.fromisoformat(d) for d in feature_info["days"]]
    grid = [float(c) for c in get_current_context()["params"]["C"]]
    return train_and_log(lake_config(), days, C_grid=grid, run_name="airflow")


@task
def register(trained: dict) -> dict:
    """Registra el modelo y lo promueve si mejora al campeón en el mismo día de referencia."""
    from lake import promotion, registry
    from lake.reference import Reference

    config = lake_config()
    version = registry.register(config, trained["model_uri"], trained["run_id"])
    reference = Reference.from_dict(trained["reference"])
    return promotion.promote_if_better(config, version, reference)


@dag(
    dag_id="clase5_lake_pipeline",
    schedule=None,  # solo cuando se lo dispara; ver el ejercicio «Un DAG diario» del notebook 4
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,  # dos corridas a la vez escribirían las mismas particiones
    dagrun_timeout=timedelta(minutes=30),
    default_args=DEFAULT_ARGS,
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
