"""Benchmark de la API de iris contra el mismo modelo llamado en proceso.

Mide en la misma corrida, con brazos intercalados (`coursekit.measure`) y el modelo del
capítulo (el random forest de 200 árboles de `iris_train.py`):
- lote de 10 000 filas: `predict_proba` en proceso contra `POST /v2/predict/batch` en JSON y en
  Arrow, de punta a punta (armar el cuerpo, enviarlo y leer la respuesta, como el notebook 02);
- una fila: `predict_proba` de una fila contra `POST /v2/predict`.

La API corre en un proceso uvicorn aparte, como en producción. Objetivo: el lote JSON a no menos
de 0.5 veces las filas/s del modelo en proceso. `--quick` (make test) mide menos y lo verifica.

    python bench_iris_api.py --output resultado.json
    python bench_iris_api.py --quick
"""

from __future__ import annotations

import gc
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import iris_train
import numpy as np
import pyarrow as pa
from iris_api.batch_formats import ARROW_STREAM
from iris_api.model import ModelService
from sklearn.datasets import load_iris

from coursekit import BackgroundProcess, benchmark, free_port, measure

BATCH_ROWS = 10_000
TARGET_RATIO = 0.5  # filas/s por HTTP ÷ filas/s en proceso, lote de 10 000 filas
IN_PROCESS = "en proceso"


def make_matrix(n: int, seed: int = 0) -> np.ndarray:
    """n flores de iris (con reemplazo), en cm, con semilla fija."""
    iris = load_iris()
    return iris.data[np.random.default_rng(seed).integers(0, len(iris.data), size=n)]


def arrow_bytes(matrix: np.ndarray) -> bytes:
    """La matriz como flujo Arrow IPC, en float32: los árboles comparan en float32."""
    names = iris_train.FEATURES
    table = pa.table({name: matrix[:, j].astype(np.float32) for j, name in enumerate(names)})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


@contextmanager
def api_process(model_path: Path, workdir: Path) -> Iterator[httpx.Client]:
    """La API en un proceso uvicorn aparte; un cliente HTTP hacia ella."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "iris_api.app:create_app"]
    server = BackgroundProcess(
        [*command, "--port", str(port), "--log-level", "warning"],
        log_path=workdir / "uvicorn.log",
        cwd=Path(__file__).parent,
        env={"MODEL_PATH": str(model_path), "JOB_STORE": "memory"},
        name="uvicorn (bench)",
    )
    with server.start(ready_url=f"http://127.0.0.1:{port}/ready", timeout=120):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
            yield http


def batch_arms(model: ModelService, http: httpx.Client, matrix: np.ndarray) -> dict:
    """Los tres brazos del lote; cada llamada HTTP arma su cuerpo y lee toda la respuesta."""

    def over_json() -> None:
        response = http.post("/v2/predict/batch", json={"instances": matrix.tolist()})
        response.raise_for_status()
        assert len(response.json()["species"]) == len(matrix)

    def over_arrow() -> None:
        headers = {"content-type": ARROW_STREAM, "accept": ARROW_STREAM}
        response = http.post("/v2/predict/batch", content=arrow_bytes(matrix), headers=headers)
        response.raise_for_status()
        assert pa.ipc.open_stream(response.content).read_all().num_rows == len(matrix)

    in_process = lambda: model.predict_proba(matrix)  # noqa: E731
    return {IN_PROCESS: in_process, "HTTP JSON": over_json, "HTTP Arrow": over_arrow}


def online_arms(model: ModelService, http: httpx.Client, row: np.ndarray) -> dict:
    flower = dict(zip(iris_train.FEATURES, row.tolist(), strict=True))

    def over_http() -> None:
        http.post("/v2/predict", json=flower).raise_for_status()

    return {IN_PROCESS: lambda: model.predict_proba(row[None, :]), "HTTP JSON": over_http}


def body_sizes(http: httpx.Client, matrix: np.ndarray) -> dict[str, int]:
    """Bytes en el cable de cada representación (pedido y respuesta)."""
    as_json = http.post("/v2/predict/batch", json={"instances": matrix.tolist()})
    arrow = arrow_bytes(matrix)
    headers = {"content-type": ARROW_STREAM, "accept": ARROW_STREAM}
    as_arrow = http.post("/v2/predict/batch", content=arrow, headers=headers)
    return {
        "json_request": len(as_json.request.content),
        "json_response": len(as_json.content),
        "arrow_request": len(arrow),
        "arrow_response": len(as_arrow.content),
    }


def compare(arms: dict[str, Callable[[], object]], repeats: int) -> measure.Results:
    results = measure.compare(
        arms, repeats=repeats, invariants=[measure.not_faster_than(IN_PROCESS)]
    )
    print(measure.table(results), flush=True)
    return results


def paired_ratio(results: measure.Results, arm: str) -> float:
    """Filas/s de `arm` ÷ filas/s en proceso, como mediana de los cocientes de cada vuelta.

    Cada vuelta de `measure.compare` mide los brazos uno tras otro: una ráfaga de carga de la
    máquina (otros procesos) cae sobre los dos y se cancela en el cociente de esa vuelta.
    """
    pairs = zip(results[IN_PROCESS].samples, results[arm].samples, strict=True)
    return statistics.median(in_process / over_http for in_process, over_http in pairs)


def run(quick: bool) -> benchmark.Report:
    bundle = iris_train.train()
    model, matrix = ModelService(bundle), make_matrix(BATCH_ROWS)
    report = benchmark.Report("clase1_iris_api", quick=quick)
    with tempfile.TemporaryDirectory() as tmp:
        model_path = iris_train.save(bundle, Path(tmp) / "model.joblib")
        with api_process(model_path, Path(tmp)) as http:
            # Este proceso cargó scikit-learn para el brazo en proceso: se congela lo cargado
            # para que sus recolecciones de basura no se cobren al brazo HTTP (ver notebook 02).
            gc.collect()
            gc.freeze()
            batch = compare(batch_arms(model, http, matrix), repeats=15 if quick else 30)
            online = compare(online_arms(model, http, matrix[0]), repeats=20 if quick else 200)
            report.add("bytes_lote_10000", body_sizes(http, matrix))
    report.add_comparison("lote_10000_filas", batch)
    report.add_comparison("una_fila", online)
    report.add("modelo", {"tipo": type(bundle["model"]).__name__, "arboles": 200, "n_jobs": 1})
    for arm in ("HTTP JSON", "HTTP Arrow"):
        name = f"rest_{arm.split()[1].lower()}_vs_en_proceso_lote_10000"
        report.add(f"{name}_cociente_de_medianas", batch[IN_PROCESS].p50 / batch[arm].p50)
        report.check_target(name, paired_ratio(batch, arm), minimum=TARGET_RATIO)
    return report


def main() -> None:
    args = benchmark.parse_args(__doc__)
    sys.exit(run(args.quick).finish(args.output))


if __name__ == "__main__":
    main()
