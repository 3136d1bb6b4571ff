"""Contrato de entrada: qué es un pedido válido, antes de que llegue al modelo.

Cada restricción se declara una sola vez con Pydantic v2 y de ahí salen la validación, el
mensaje de error (422, ver `problems.py`) y el esquema OpenAPI con ejemplos:

- `IrisFeatures`: una flor; números finitos y positivos, unidad `cm` o `mm`, campos
  desconocidos prohibidos y una regla entre campos (`check_plausible_flower`).
- `BatchRequest`: lote de `/v1`, una lista de objetos `IrisFeatures`.
- `BatchRequestV2`: lote vectorizado de `/v2` (formato "instances" de KServe o TF Serving),
  con las reglas entre campos aplicadas a toda la matriz de una vez con NumPy (`check_matrix`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from .problems import dotted_field

MAX_BATCH_ROWS = 10_000  # límite de /predict/batch: más filas → usar /v1/jobs
MAX_MEASURE_CM = 30.0  # ninguna flor de iris mide más de 30 cm: valores mayores son errores
FEATURE_NAMES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


class Unit(StrEnum):
    cm = "cm"
    mm = "mm"


UNIT_DIVISOR = {Unit.cm: 1.0, Unit.mm: 10.0}  # divisor para pasar a cm, la unidad del modelo

# Una medida: número finito y positivo (NaN o Infinity no son medidas).
Measure = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class IrisFeatures(BaseModel):
    """Medidas de una flor. Se rechazan campos desconocidos para detectar errores de tipeo."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "sepal_length": 5.1,
                    "sepal_width": 3.5,
                    "petal_length": 1.4,
                    "petal_width": 0.2,
                    "unit": "cm",
                }
            ]
        },
    )

    sepal_length: Measure = Field(description="Largo del sépalo")
    sepal_width: Measure = Field(description="Ancho del sépalo")
    petal_length: Measure = Field(description="Largo del pétalo")
    petal_width: Measure = Field(description="Ancho del pétalo")
    unit: Unit = Field(default=Unit.cm, description="Unidad de las cuatro medidas")

    @model_validator(mode="after")
    def check_plausible_flower(self) -> IrisFeatures:
        # Reglas que involucran varios campos: se validan después de los tipos.
        limit = MAX_MEASURE_CM * UNIT_DIVISOR[self.unit]  # 30 cm = 300 mm
        for name in FEATURE_NAMES:
            if getattr(self, name) > limit:
                value_cm = getattr(self, name) / UNIT_DIVISOR[self.unit]
                raise ValueError(
                    f"{name} = {value_cm:g} cm supera el máximo plausible de {MAX_MEASURE_CM:g} cm "
                    f"(¿unidad equivocada? se indicó unit='{self.unit.value}')"
                )
        if self.petal_width > self.petal_length:
            raise ValueError("petal_width no puede ser mayor que petal_length")
        return self

    def to_cm(self) -> list[float]:
        divisor = UNIT_DIVISOR[self.unit]  # dividir (no ×0.1): 51/10 da 5.1 exacto
        return [getattr(self, name) / divisor for name in FEATURE_NAMES]


def rows_to_matrix(rows: list[IrisFeatures]) -> np.ndarray:
    """Lista de filas validadas → matriz (n, 4) en cm, el formato que espera el modelo."""
    matrix = np.array(
        [(r.sepal_length, r.sepal_width, r.petal_length, r.petal_width) for r in rows], dtype=float
    )
    divisors = np.array([UNIT_DIVISOR[r.unit] for r in rows])
    return matrix / divisors[:, None]  # una división vectorizada para todas las filas


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rows: list[IrisFeatures] = Field(min_length=1, max_length=MAX_BATCH_ROWS)


class BatchRequestV2(BaseModel):
    """Lote vectorizado (formato "instances", como KServe o TF Serving): una lista de filas
    [sepal_length, sepal_width, petal_length, petal_width] y una sola unidad para todo el lote.

    Validar 10 000 listas de números es mucho más barato que validar 10 000 objetos con
    reglas en Python: los tipos y rangos los chequea Pydantic (en Rust) y las reglas entre
    campos se aplican a toda la matriz de una vez con NumPy.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"unit": "cm", "instances": [[5.1, 3.5, 1.4, 0.2]]}]},
    )

    instances: list[Annotated[list[Measure], Field(min_length=4, max_length=4)]] = Field(
        min_length=1,
        max_length=MAX_BATCH_ROWS,
        description=f"Filas con las columnas {FEATURE_NAMES}",
    )
    unit: Unit = Field(default=Unit.cm, description="Unidad de todas las medidas del lote")
    _matrix: np.ndarray = PrivateAttr()

    @model_validator(mode="after")
    def check_plausible_flowers(self) -> BatchRequestV2:
        # Tipos y rangos ya los validó Pydantic; las reglas entre columnas van sobre la matriz.
        self._matrix = check_matrix(np.asarray(self.instances, dtype=float), self.unit)
        return self

    @property
    def matrix(self) -> np.ndarray:
        """Matriz (n, 4) en cm, ya validada: lo que recibe el modelo."""
        return self._matrix


def check_matrix(values: np.ndarray, unit: Unit = Unit.cm) -> np.ndarray:
    """Las reglas del lote de `/v2` sobre toda la matriz a la vez, con NumPy.

    Sirve a las dos representaciones del lote (JSON y Arrow, ver `batch_formats.py`): forma
    (n, 4) con 1 ≤ n ≤ MAX_BATCH_ROWS, medidas finitas y positivas, ninguna mayor a 30 cm y
    petal_width ≤ petal_length. Devuelve la matriz en cm; si algo falla, `ValueError` con las
    filas culpables (sin recorrer las filas en Python).
    """
    if values.ndim != 2 or values.shape[1] != len(FEATURE_NAMES) or len(values) == 0:
        raise ValueError(f"se esperaba una matriz (n, 4) con n ≥ 1, llegó {values.shape}")
    if len(values) > MAX_BATCH_ROWS:
        raise ValueError(f"admite como máximo {MAX_BATCH_ROWS} filas y llegaron {len(values)}")
    matrix = values / UNIT_DIVISOR[unit]
    problems = []
    for rows, rule in (
        (~np.isfinite(matrix).all(axis=1), "alguna medida no es un número finito"),
        ((matrix <= 0).any(axis=1), "alguna medida no es mayor que 0"),
        ((matrix > MAX_MEASURE_CM).any(axis=1), f"alguna medida supera {MAX_MEASURE_CM:g} cm"),
        (matrix[:, 3] > matrix[:, 2], "petal_width mayor que petal_length"),
    ):
        if rows.any():
            problems.append(f"filas {first_rows(np.flatnonzero(rows))}: {rule}")
    if problems:
        raise ValueError("; ".join(problems))
    return matrix


def first_rows(indices: np.ndarray, limit: int = 5) -> str:
    shown = ", ".join(str(i) for i in indices[:limit])
    return f"[{shown}{', …' if indices.size > limit else ''}] ({indices.size} en total)"


def feature_field(location: list) -> str:
    """Nombre del campo de un error de validación, con la columna de `instances` por nombre:
    ("body", "instances", 1, 3) → "instances.1.petal_width" (y no "instances.1.3")."""
    location = list(location)
    if len(location) == 4 and location[1] == "instances" and isinstance(location[3], int):
        location[3] = FEATURE_NAMES[location[3]]
    return dotted_field(location)
