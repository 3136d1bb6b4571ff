"""Las variables del modelo: UNA definición para el entrenamiento y para el servicio.

Si el ETL calcula una variable de una forma y el servicio de otra (aunque sea solo un redondeo),
el modelo predice con datos distintos de los que vio al entrenar: es el *training/serving skew*.
«The ML Test Score» (Breck et al., 2017) lo convierte en una prueba, *training and serving
features compute the same values*, y Breck et al. (2019, «Data Validation for Machine Learning»)
lo detectan comparando los datos de los dos lados. Aquí se evita de raíz: el ETL de features
(`etl.build_features`) y el servicio (`lake_service.routes`) llaman a las funciones de este
archivo, y `tests/clase5/test_features.py` comprueba que las dos salidas coinciden.
"""

from __future__ import annotations

import pandas as pd

FEATURE_SET = "fallas"  # nombre del conjunto de variables en la zona features
SIGNALS = ["temperature", "vibration", "pressure", "hours"]  # lo que mide cada sensor
FEATURES = [*SIGNALS, "stress"]  # lo que ve el modelo, en este orden
TARGET = "failure"


def stress(vibration: pd.Series, hours: pd.Series) -> pd.Series:
    """Desgaste acumulado: vibración (mm/s) × horas de uso / 1000, con 4 decimales."""
    return (vibration * hours / 1000).round(4)


def add_features(readings: pd.DataFrame) -> pd.DataFrame:
    """Una copia de `readings` con las variables derivadas agregadas (hoy, `stress`)."""
    return readings.assign(stress=stress(readings["vibration"], readings["hours"]))


def model_input(readings: pd.DataFrame) -> pd.DataFrame:
    """Exactamente las columnas que recibe el modelo (FEATURES), en su orden y como float."""
    return add_features(readings[SIGNALS].astype("float64"))[FEATURES]
