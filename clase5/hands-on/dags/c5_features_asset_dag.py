"""DAG de la Clase 5 disparado por datos: corre cada vez que hay features nuevas en el lago.

No tiene horario: `schedule=[FEATURES]` le pide al scheduler una corrida por cada evento del
*asset* `clase5-features`, que emite la tarea `features` de `clase5_lake_pipeline` al terminar
bien (o cualquiera que lo anuncie por la API REST, `POST /api/v2/assets/events`). Así un
consumidor de los datos (un reporte, otro entrenamiento, un control de deriva) no sondea el lago
ni adivina a qué hora termina el ETL: espera el evento.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, dag, get_current_context, task

# El mismo asset que produce c5_lake_dag.py: Airflow lo identifica por nombre y URI.
FEATURES = Asset(name="clase5-features", uri="s3://clase5-features/fallas")


@task
def announce() -> dict:
    """Lee el evento que disparó la corrida: de qué corrida vino y qué días trae."""
    events = get_current_context()["triggering_asset_events"][FEATURES]
    last = events[-1]
    return {
        "asset": FEATURES.name,
        "events": len(events),
        "days": last.extra.get("days"),
        "rows": last.extra.get("rows"),
        "source_dag_id": last.source_dag_id,
    }


@dag(
    dag_id="clase5_features_ready",
    schedule=[FEATURES],
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["clase5", "assets"],
    doc_md=__doc__,
)
def clase5_features_ready():
    announce()


clase5_features_ready()
