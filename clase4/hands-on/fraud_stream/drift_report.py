"""La deriva con Evidently, una biblioteca mantenida, sobre las mismas ventanas que `drift.py`.

Evidently (https://docs.evidentlyai.com) arma un `Report` con métricas de deriva por columna
(`ValueDrift`) o con el *preset* `DataDriftPreset`, lo corre sobre una referencia y una ventana
actual y devuelve valores (`snapshot.dict()`: el PSI de cada columna y, como `include_tests=True`,
la decisión de Evidently) y un reporte HTML interactivo que trae todo adentro (`save_html`).

Su PSI y el de `drift.psi` usan la MISMA fórmula, Σ (pᵢ − qᵢ)·ln(pᵢ / qᵢ), pero no los mismos
intervalos: para una columna numérica con más de 20 valores distintos, Evidently usa intervalos de
igual ancho (regla de Sturges) sobre la referencia y la ventana juntas; `drift.psi`, los deciles de
la referencia. Para comparar sobre los mismos intervalos, `decile_codes` reemplaza cada valor por
el número de su decil y Evidently lo trata como categoría: sus proporciones por categoría son
entonces, exactamente, las nuestras por intervalo.

Compatibilidad: Evidently 0.7.23 importa `infer_dtype_from_object` de
`pandas.core.dtypes.common`, una función interna que pandas 3.0 quitó; `load_evidently()` la
repone (con su definición, `pandas_dtype(x).type`) antes de importarlo. Evidently solo envía
telemetría desde su servidor de tableros (`evidently ui`), no desde `Report`; aun así, la variable
`DO_NOT_TRACK` la apaga (la define quien llama, como el notebook).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence

import numpy as np

from .drift import quantile_edges

DECILE_SUFFIX = "_decile"  # la columna con el número de intervalo de cada valor


def load_evidently():
    """Importa Evidently (y devuelve el módulo) después de reponer lo que pandas 3 le quitó."""
    import pandas.core.dtypes.common as pandas_common
    from pandas.api.types import pandas_dtype

    if not hasattr(pandas_common, "infer_dtype_from_object"):
        pandas_common.infer_dtype_from_object = lambda dtype: pandas_dtype(dtype).type
    return importlib.import_module("evidently")


def decile_codes(values, edges: np.ndarray) -> np.ndarray:
    """El intervalo de cada valor (0 … len(edges)), con la misma regla que `drift.psi`."""
    return np.searchsorted(edges, np.asarray(values, dtype=float), side="right")


def with_deciles(columns: Mapping[str, Sequence[float]], edges: Mapping[str, np.ndarray]):
    """Un DataFrame con cada columna y, para las de `edges`, su columna `<nombre>_decile`."""
    import pandas as pd

    frame = pd.DataFrame({name: np.asarray(v, dtype=float) for name, v in columns.items()})
    for name, cuts in edges.items():
        frame[name + DECILE_SUFFIX] = decile_codes(frame[name], cuts)
    return frame


def psi_report(
    reference: Mapping[str, Sequence[float]],
    current: Mapping[str, Sequence[float]],
    threshold: float = 0.2,
    bins: int = 10,
):
    """Corre un `Report` de Evidently con el PSI de cada columna, con los intervalos de Evidently
    y con los deciles de la referencia (`<nombre>_decile`). Devuelve el *snapshot*."""
    evidently = load_evidently()
    from evidently.metrics import ValueDrift

    edges = {name: quantile_edges(values, bins) for name, values in reference.items()}
    ref, cur = with_deciles(reference, edges), with_deciles(current, edges)
    definition = evidently.DataDefinition(
        numerical_columns=list(reference),
        categorical_columns=[name + DECILE_SUFFIX for name in reference],
    )
    report = evidently.Report(
        [ValueDrift(column=c, method="psi", threshold=threshold) for c in ref.columns],
        include_tests=True,
    )
    return report.run(
        evidently.Dataset.from_pandas(cur, data_definition=definition),
        evidently.Dataset.from_pandas(ref, data_definition=definition),
    )


def preset_report(reference, current, categorical: Sequence[str] = (), threshold: float = 0.2):
    """El reporte completo de deriva (`DataDriftPreset`) con PSI sobre todas las columnas de dos
    DataFrames (las de `categorical`, como categorías): lo que se mira cuando salta la alerta."""
    evidently = load_evidently()
    from evidently.presets import DataDriftPreset

    definition = evidently.DataDefinition(
        numerical_columns=[c for c in reference.columns if c not in categorical],
        categorical_columns=list(categorical),
    )
    report = evidently.Report(
        [DataDriftPreset(method="psi", threshold=threshold)], include_tests=True
    )
    return report.run(
        evidently.Dataset.from_pandas(current, data_definition=definition),
        evidently.Dataset.from_pandas(reference, data_definition=definition),
    )


def psi_values(snapshot) -> dict[str, float]:
    """{columna: PSI} de los `ValueDrift` de un *snapshot* (lo que trae `snapshot.dict()`)."""
    return {
        metric["config"]["column"]: float(metric["value"])
        for metric in snapshot.dict()["metrics"]
        if metric["config"]["type"].endswith(":ValueDrift")
    }


def drift_decisions(snapshot) -> dict[str, bool]:
    """{columna: ¿Evidently detectó deriva?}: el resultado de la prueba `ValueDriftTest` de cada
    `ValueDrift` (FAIL = hay deriva), que el *snapshot* trae porque el reporte se corre con
    `include_tests=True`. Evidently decide con «PSI ≥ umbral»."""
    return {
        test["metric_config"]["params"]["column"]: test["status"] == "FAIL"
        for test in snapshot.dict()["tests"]
        if test["metric_config"]["params"]["type"].endswith(":ValueDrift")
    }
