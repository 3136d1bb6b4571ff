"""Lo que entra y sale por HTTP. Los rangos de `Reading` son los físicamente posibles, los
mismos que el control de calidad del lago (`lake/quality.py`): fuera de ellos, 422 con el campo."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Reading(BaseModel):
    """Una lectura de sensores: lo que el servicio recibe para predecir."""

    temperature: float = Field(ge=-30, le=150, description="°C")
    vibration: float = Field(ge=0, le=50, description="mm/s")
    pressure: float = Field(ge=0, le=100, description="bar")
    hours: float = Field(ge=0, le=100_000, description="horas de uso")


class PredictRequest(BaseModel):
    instances: list[Reading] = Field(min_length=1, max_length=1000)


class Prediction(BaseModel):
    predictions: list[int] = Field(description="1 = falla prevista, 0 = sin falla")
    model_version: str = Field(description="versión del modelo registrado que predijo")


class ReloadResult(BaseModel):
    changed: bool = Field(description="si se cargó una versión nueva")
    previous_version: str | None = Field(description="la que se servía antes de la recarga")
    version: str = Field(description="la que se sirve ahora")
    model_name: str
    alias: str
