"""El ciclo completo en un solo proceso: ingesta → validación → entrenamiento → promoción.

Es lo mismo que hace el DAG ``clase8_proyecto`` de Airflow, tarea por tarea, llamando a las mismas
funciones. Sirve para desarrollar y depurar sin orquestador y para las pruebas:

    python -m proyecto_ref.pipeline --batch inicial
    python -m proyecto_ref.pipeline --batch mejorado --model-name clase8-churn-pruebas
"""

from __future__ import annotations

import argparse
import json

from proyecto_ref import data, training
from proyecto_ref.config import Settings


def run(settings: Settings, batch: str) -> dict:
    raw_uri = data.ingest(settings, batch)
    report = data.validate_and_curate(settings, batch)
    trained = training.train_and_register(settings, batch)
    decision = training.promote_if_better(settings, trained["version"])
    return {"raw": raw_uri, "validation": report, "training": trained, "promotion": decision}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Ciclo de entrenamiento del proyecto, sin Airflow."
    )
    parser.add_argument("--batch", default="inicial", choices=sorted(data.BATCHES))
    parser.add_argument(
        "--model-name", default=None, help="modelo registrado (por defecto, el de la configuración)"
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env().with_overrides(model_name=args.model_name)
    try:
        result = run(settings, args.batch)
    except data.DataValidationError as error:
        print(f"Lote rechazado por la validación: {error}")
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
