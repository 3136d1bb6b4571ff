"""El ciclo completo en un solo proceso: ingesta → validación → entrenamiento → promoción.

Es lo mismo que hace el DAG ``clase8_proyecto`` de Airflow, tarea por tarea, llamando a las mismas
funciones. Sirve para desarrollar y depurar sin orquestador y para las pruebas:

    python -m proyecto_ref pipeline --batch initial
    python -m proyecto_ref pipeline --batch improved --model-name clase8-churn-pruebas
"""

from __future__ import annotations

from proyecto_ref import lake, promotion, training
from proyecto_ref.config import Settings


def run(settings: Settings, batch: str) -> dict:
    raw_uri = lake.ingest(settings, batch)
    report = lake.validate_and_curate(settings, batch)
    trained = training.train_and_register(settings, batch)
    decision = promotion.promote_if_better(settings, trained["version"])
    return {"raw": raw_uri, "validation": report, "training": trained, "promotion": decision}
