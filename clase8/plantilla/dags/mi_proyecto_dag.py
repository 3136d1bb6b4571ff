"""DAG del proyecto: cada tarea llama a funciones de `mi_proyecto` (el DAG solo orquesta).

El DAG no toca `sys.path`: el paquete tiene que estar en el `PYTHONPATH` de Airflow. Con el
stack del curso, `compose.stack.yml` monta `dags/` y `src/` en el contenedor de Airflow y agrega
`src` a su `PYTHONPATH` (`make up-stack`). En otro Airflow: instalar el paquete en su entorno o
agregar la carpeta `src` a su `PYTHONPATH`.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import dag, task


@dag(dag_id="mi_proyecto", schedule=None, start_date=datetime(2026, 1, 1), catchup=False)
def mi_proyecto():
    @task
    def train_and_register() -> str:
        from mi_proyecto import data, train
        from mi_proyecto.config import Settings

        settings = Settings.from_env()
        model = train.train(data.validate(data.generate(seed=1)))
        metrics = train.evaluate(model, data.generate(seed=2))
        return train.register(model, metrics, settings.mlflow_tracking_uri, settings.model_name)

    @task
    def promote(version: str) -> None:
        # TODO: comparar con el campeón actual sobre el mismo conjunto y mover el alias solo si
        # mejora (ver clase8/proyecto/proyecto_ref/promotion.py: promote_if_better).
        from mlflow import MlflowClient

        from mi_proyecto.config import Settings

        settings = Settings.from_env()
        client = MlflowClient(settings.mlflow_tracking_uri)
        client.set_registered_model_alias(settings.model_name, "champion", version)

    promote(train_and_register())


mi_proyecto()
