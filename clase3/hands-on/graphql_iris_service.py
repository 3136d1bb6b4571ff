"""Servicio GraphQL (Strawberry) mínimo que sirve el modelo de iris, para la comparación
REST vs GraphQL vs gRPC de la Clase 3. (El servicio GraphQL de la Clase 2 expone metadatos
de MLflow, no predicciones.)

Consultas:
    { modelInfo { version classNames } }
    query ($f: [Float!]!) { predict(features: $f) { label probabilities } }
    query ($x: [[Float!]!]!) { predictBatch(instances: $x) { classIndex probabilities } }

Una entrada inválida (cantidad de columnas, valores no positivos) responde 200 con `errors`
y un mensaje claro, como manda GraphQL; nunca un 500.

Fuera de Jupyter:
    python iris_model.py                                    # artifacts/iris_rf.joblib
    python graphql_iris_service.py --port 8002 --model artifacts/iris_rf.joblib
    # GraphiQL en http://127.0.0.1:8002/graphql
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import iris_model
import numpy as np
import strawberry
import uvicorn
from fastapi import FastAPI
from strawberry.fastapi import GraphQLRouter

MAX_BATCH_ROWS = 10_000  # el mismo límite que /predict/batch de rest_iris


@strawberry.type(description="El modelo servido.")
class ModelInfo:
    version: str
    feature_names: list[str]
    class_names: list[str]


@strawberry.type(description="Predicción de una fila.")
class Prediction:
    label: str
    class_index: int
    probabilities: list[float]
    model_version: str


@strawberry.type(description="Predicciones de un lote (una entrada por fila).")
class BatchPrediction:
    class_index: list[int]
    probabilities: list[list[float]]
    model_version: str


def validated(instances: list[list[float]], feature_names: list[str]) -> np.ndarray:
    if not 1 <= len(instances) <= MAX_BATCH_ROWS:
        raise ValueError(f"el lote debe tener entre 1 y {MAX_BATCH_ROWS} filas")
    widths = {len(row) for row in instances}
    if widths != {len(feature_names)}:
        raise ValueError(
            f"cada fila debe tener {len(feature_names)} valores ({', '.join(feature_names)})"
        )
    matrix = np.asarray(instances, dtype=float)
    bad = np.argwhere(~(matrix > 0))  # GraphQL Float ya excluye NaN e infinitos
    if bad.size:
        row, col = bad[0]
        raise ValueError(f"fila {row}, columna {feature_names[col]}: debe ser mayor que 0")
    return matrix


def build_schema(bundle: dict) -> strawberry.Schema:
    model, version = bundle["model"], str(bundle["version"])
    features, classes = list(bundle["features"]), list(bundle["classes"])

    @strawberry.type
    class Query:
        @strawberry.field(description="Versión, columnas y clases del modelo.")
        def model_info(self) -> ModelInfo:
            return ModelInfo(version=version, feature_names=features, class_names=classes)

        @strawberry.field(description="Predice una fila (medidas en cm).")
        def predict(self, features: list[float]) -> Prediction:
            proba = model.predict_proba(validated([features], bundle["features"]))[0]
            index = int(proba.argmax())
            return Prediction(
                label=classes[index],
                class_index=index,
                probabilities=proba.tolist(),
                model_version=version,
            )

        @strawberry.field(description="Predice un lote en una sola llamada vectorizada.")
        def predict_batch(self, instances: list[list[float]]) -> BatchPrediction:
            proba = model.predict_proba(validated(instances, bundle["features"]))
            return BatchPrediction(
                class_index=proba.argmax(axis=1).tolist(),
                probabilities=proba.tolist(),
                model_version=version,
            )

    return strawberry.Schema(query=Query)


def create_app(model_path: str | os.PathLike) -> FastAPI:
    bundle = iris_model.load(model_path)
    app = FastAPI(title="GraphQL de iris (Clase 3)")
    app.include_router(GraphQLRouter(build_schema(bundle)), prefix="/graphql")

    @app.get("/ready")
    def ready() -> dict:
        return {"status": "ready", "model_version": str(bundle["version"])}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Servicio GraphQL de iris (Strawberry).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    parser.add_argument("--model", type=Path, required=True, help="paquete de iris_model.py")
    args = parser.parse_args()
    uvicorn.run(create_app(args.model), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
