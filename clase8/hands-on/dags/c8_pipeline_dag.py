"""DAG del proyecto de referencia: ingesta y validación → entrenamiento y promoción.

Cada tarea llama a funciones del paquete ``proyecto_ref`` (clase8/proyecto): el DAG solo
orquesta; la lógica vive en el paquete, que también se ejecuta sin Airflow
(``python -m proyecto_ref pipeline``) y se prueba aparte.

Dos tareas y no cuatro: cada tarea es un proceso nuevo que vuelve a importar pandas, scikit-learn
y MLflow (varios segundos en una máquina pequeña; el notebook del ciclo completo lo mide). Con datos
pequeños conviene agrupar los pasos que comparten dependencias; la frontera que importa es la
validación, que detiene el DAG si el lote es malo antes de entrenar nada.

Airflow corre en su propio entorno, que no tiene el paquete instalado: el *stack* pone la
carpeta ``clase8/proyecto`` en el ``PYTHONPATH`` de Airflow (modo local: ``make stack-up``;
contenedores: ``docker-compose.yml`` la monta en ``/opt/airflow/clases/clase8``). El DAG solo
importa; no toca ``sys.path``.

Parámetros (``conf`` al disparar): ``batch`` (initial, improved, faulty), ``model_name`` y
``prefix`` (para aislar pruebas). Probar sin scheduler:

    .venv/bin/python -m stack.localstack airflow dags test clase8_proyecto -c '{"batch": "initial"}'
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Param, dag, get_current_context, task


def settings():
    """Configuración del proyecto (del entorno) con los parámetros de esta corrida."""
    from proyecto_ref.config import Settings  # imports dentro de las tareas: el parseo es rápido

    params = get_current_context()["params"]
    return Settings.from_env().with_overrides(
        model_name=params.get("model_name") or None, prefix=params.get("prefix") or None
    )


@dag(
    dag_id="clase8_proyecto",
    description="Ciclo del proyecto: datos a S3, entrenamiento, MLflow y promoción del campeón",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    params={
        "batch": Param("initial", enum=["initial", "improved", "faulty"]),
        "model_name": Param("", type="string", description="vacío = el de la configuración"),
        "prefix": Param("", type="string", description="vacío = el de la configuración"),
    },
    default_args={"retries": 0, "execution_timeout": timedelta(minutes=5)},
    tags=["clase8", "proyecto"],
)
def clase8_proyecto():
    @task
    def ingest_and_validate() -> dict:
        """Lote crudo a la zona raw; validado (o rechazado: la tarea falla) a la zona curated."""
        from proyecto_ref import lake

        batch = get_current_context()["params"]["batch"]
        lake.ingest(settings(), batch)
        return lake.validate_and_curate(settings(), batch)

    @task
    def train_and_promote(report: dict) -> dict:
        """Nueva versión en MLflow; pasa a champion solo si supera al campeón vigente."""
        from proyecto_ref import promotion, training

        trained = training.train_and_register(settings(), get_current_context()["params"]["batch"])
        decision = promotion.promote_if_better(settings(), trained["version"])
        return {"training": trained, "promotion": decision}

    train_and_promote(ingest_and_validate())


clase8_proyecto()
