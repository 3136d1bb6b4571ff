"""Contratos de entrada y salida de la API (Pydantic).

La entrada se valida entera antes de llegar al modelo: 64 intensidades finitas en [0, 1] por
imagen, sin campos de más (`extra="forbid"`: un error de tipeo no pasa en silencio) y lotes de
hasta `MAX_BATCH_ROWS` filas. Lo que no cumple responde 422 con el campo y el motivo.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

MAX_BATCH_ROWS = 1000
N_PIXELS = 64  # 8 × 8

Pixel = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Image = Annotated[list[Pixel], Field(min_length=N_PIXELS, max_length=N_PIXELS)]


class DigitImage(BaseModel):
    """Una imagen de 8×8 en orden de filas, intensidades en [0, 1] (0 = fondo)."""

    model_config = ConfigDict(extra="forbid")
    pixels: Image


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    instances: list[Image] = Field(min_length=1, max_length=MAX_BATCH_ROWS)


class Prediction(BaseModel):
    label: int
    probabilities: list[float] | None = None
    model_version: str


class BatchPrediction(BaseModel):
    labels: list[int]
    probabilities: list[list[float]] | None = None
    model_version: str


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    scope: str


class ModelInfo(BaseModel):
    version: str
    algorithm: str
    sha256: str
    test_accuracy: float
    classes: list[int]
    returns_probabilities: bool


class AuditPage(BaseModel):
    count: int
    records: list[dict]
