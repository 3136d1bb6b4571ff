"""API de predicción: carga el modelo de `APP_MODEL_URI` y exige la cabecera X-API-Key.

uvicorn mi_proyecto.api:app --port 8000      # con PYTHONPATH=src
"""

from __future__ import annotations

import hmac
from contextlib import asynccontextmanager
from typing import Annotated

import pandas as pd
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field, create_model

from mi_proyecto import data
from mi_proyecto.config import Settings

Row = create_model(
    "Row",
    __config__=ConfigDict(extra="forbid"),
    **{name: (float, Field(ge=lo, le=hi)) for name, (lo, hi) in data.FEATURES.items()},
)


class PredictRequest(BaseModel):
    instances: list[Row] = Field(min_length=1, max_length=1000)  # type: ignore[valid-type]


def load_model(uri: str):
    """`models:/...` desde el registro de MLflow; cualquier otra cosa, un archivo joblib."""
    if uri.startswith("models:/"):
        import mlflow.sklearn

        return mlflow.sklearn.load_model(uri)
    import joblib

    return joblib.load(uri)


api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def require_key(request: Request, key: Annotated[str | None, Depends(api_key_header)]) -> None:
    expected = request.app.state.settings.api_key
    if key is None or not hmac.compare_digest(key.encode(), expected.encode()):
        raise HTTPException(401, "falta la cabecera X-API-Key o no es válida")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.model = load_model(settings.model_uri)
        yield

    app = FastAPI(title="Mi proyecto", lifespan=lifespan)
    app.state.settings = settings

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/v1/predict", dependencies=[Depends(require_key)])
    def predict(body: PredictRequest, request: Request) -> dict:
        rows = pd.DataFrame([r.model_dump() for r in body.instances])
        proba = request.app.state.model.predict_proba(rows[list(data.FEATURES)])[:, 1]
        return {"predictions": [round(float(p), 4) for p in proba]}

    return app


def __getattr__(name: str):
    if name == "app":  # `uvicorn mi_proyecto.api:app` lee la configuración al arrancar
        return create_app()
    raise AttributeError(name)
