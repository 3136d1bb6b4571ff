"""DAG de la Clase 5: ingesta -> ETL con controles de calidad -> entrenamiento -> registro.

Usa el data lake en S3 (MinIO del stack) y MLflow solo a través de las variables de entorno
estándar (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, MLFLOW_TRACKING_URI...), así que el mismo archivo
corre contra otro endpoint sin cambios. La lógica vive en `c5_lake.py` (carpeta de arriba), la
misma que usan los notebooks.

Probarlo (desde la raíz del repositorio, con el stack levantado):

    .venv/bin/python stack/localstack.py airflow dags test clase5_lake_pipeline
    .venv/bin/python stack/localstack.py airflow dags test clase5_lake_pipeline \
        -c '{"model_name": "clase5-otro", "days": 4}'
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from airflow.sdk import dag, get_current_context, task

# c5_lake.py está junto a la carpeta dags/ (resolve() sigue el enlace que crea el stack).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def lake_config():
    """Configuración desde el entorno, con el modelo que pida la corrida (`model_name`)."""
    from dataclasses import replace

    import c5_lake

    params = get_current_context()["params"]
    return replace(c5_lake.LakeConfig.from_env(), model_name=params["model_name"])


@dag(
    dag_id="clase5_lake_pipeline",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params={"start": "2026-01-01", "days": 5, "model_name": "clase5-fallas", "C": [0.01, 1.0]},
    tags=["clase5", "datalake", "mlflow"],
    doc_md=__doc__,
)
def clase5_lake_pipeline():
    @task
    def prepare() -> list[str]:
        """Crea los buckets de las zonas (idempotente) y devuelve los días a procesar."""
        import c5_lake

        config = lake_config()
        c5_lake.ensure_buckets(config)
        params = get_current_context()["params"]
        return [d.isoformat() for d in c5_lake.days_from(params["start"], int(params["days"]))]

    @task
    def ingest(day: str) -> dict:
        """Extrae las lecturas del día del sistema fuente (simulado) a la zona raw."""
        from datetime import date

        import c5_lake

        return c5_lake.ingest_raw(lake_config(), date.fromisoformat(day))

    @task
    def curate(raw: dict) -> dict:
        """raw -> curated del día; si no pasa la calidad, la tarea falla con la lista."""
        from datetime import date

        import c5_lake

        day = date.fromisoformat(raw["key"].rsplit("/", 1)[1].removesuffix(".csv"))
        return c5_lake.raw_to_curated(lake_config(), day)

    @task
    def features(curated: list[dict]) -> dict:
        """curated -> features de todos los días (con su propio control de calidad)."""
        from datetime import date

        import c5_lake

        days = sorted(date.fromisoformat(c["day"]) for c in curated)
        return c5_lake.build_features(lake_config(), days)

    @task
    def train(feature_info: dict) -> dict:
        """Una corrida de MLflow por valor de C; devuelve la mejor por roc_auc."""
        from datetime import date

        import c5_lake

        days = [date.fromisoformat(d) for d in feature_info["days"]]
        runs = [
            c5_lake.train_and_log(lake_config(), days, C=float(c), run_name=f"airflow-C{c}")
            for c in get_current_context()["params"]["C"]
        ]
        return max(runs, key=lambda r: (r["metrics"]["roc_auc"], -r["C"]))

    @task
    def register(best: dict) -> dict:
        """Registra la mejor corrida y la promueve a `champion` si no empeora al campeón."""
        import c5_lake

        config = lake_config()
        roc_auc = best["metrics"]["roc_auc"]
        version = c5_lake.register(config, best["model_uri"], best["run_id"], roc_auc)
        return {"version": version, **c5_lake.promote_if_better(config, version)}

    days = prepare()
    curated = curate.expand(raw=ingest.expand(day=days))
    register(train(features(curated)))


clase5_lake_pipeline()
