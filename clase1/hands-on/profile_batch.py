"""Perfil del servidor en `POST /v2/predict/batch`: dónde se va el tiempo de un lote JSON.

cProfile mide un solo hilo, y un pedido a FastAPI pasa por varios: el del bucle de eventos
(leer y validar el cuerpo, serializar la respuesta) y uno del *pool* (la función `def` del
endpoint, que llama al modelo). `profile_threads` pone un perfilador en cada hilo que arranque
mientras está activo, y `gc_pauses` suma lo que tarda el recolector de basura, que cProfile
no ve (le carga ese tiempo a la función que estaba corriendo).

    python profile_batch.py            # la API tal como está
    python profile_batch.py --before   # el endpoint y el proceso como estaban antes (notebook 02)
    python profile_batch.py --json     # la tabla en JSON, para el notebook
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import iris_train
import numpy as np
from fastapi import FastAPI
from iris_api.app import create_app
from iris_api.contracts import BatchRequestV2
from iris_api.model import ModelDep
from iris_api.responses import BatchPredictionV2
from sklearn.datasets import load_iris

from coursekit import UvicornThread

# Las etapas de un pedido y las funciones del perfil que las cubren (tiempo acumulado). Son
# funciones comunes (no corrutinas): cProfile no acumula bien el tiempo de una corrutina que
# se suspende y se reanuda.
STAGES = {
    "leer y validar el cuerpo": [
        ("json/__init__.py", "loads"),  # antes: FastAPI hace json.loads...
        ("fastapi/dependencies/utils.py", "_validate_value_with_model_field"),  # ...y valida
        ("iris_api/batch_formats.py", "json_matrix"),  # ahora: Pydantic lee el JSON en Rust
    ],
    "modelo (predict_proba)": [("iris_api/model.py", "predict_proba")],
    "el endpoint, sin el modelo": [
        ("profile_batch.py", "predict_batch_before"),
        ("iris_api/versions.py", "predict_batch_v2"),
    ],
    "serializar la respuesta": [
        ("fastapi/_compat/v2.py", "serialize_json"),  # antes: FastAPI, después del endpoint
        ("fastapi/_compat/v2.py", "serialize"),
        ("pydantic/main.py", "model_dump_json"),  # ahora: el endpoint, dentro de su función
    ],
}


@contextmanager
def profile_threads() -> Iterator[list[cProfile.Profile]]:
    """Un cProfile por cada hilo que arranque dentro del bloque (servidor y pool)."""
    profilers: list[cProfile.Profile] = []

    def start_profiler(*_) -> None:  # primer evento del hilo nuevo: cProfile toma el control
        profiler = cProfile.Profile()
        profilers.append(profiler)
        profiler.enable()

    threading.setprofile(start_profiler)
    try:
        yield profilers
    finally:
        threading.setprofile(None)
        for profiler in profilers:
            profiler.disable()


@contextmanager
def gc_pauses() -> Iterator[dict[str, float]]:
    """Recolecciones completas (generación 2) dentro del bloque: cuántas y cuántos segundos."""
    full = {"collections": 0, "seconds": 0.0}
    started = 0.0

    def callback(phase: str, info: dict) -> None:
        nonlocal started
        if info["generation"] != 2:
            return
        if phase == "start":
            started = time.perf_counter()
        else:
            full["collections"] += 1
            full["seconds"] += time.perf_counter() - started

    gc.callbacks.append(callback)
    try:
        yield full
    finally:
        gc.callbacks.remove(callback)


def app_before(model_path: Path) -> FastAPI:
    """La API con el lote de `/v2` como estaba antes: FastAPI lee y valida el cuerpo, y la
    respuesta se construye validando de nuevo las 40 000 cifras que produjo el modelo."""
    app = create_app(model_path=model_path)

    @app.post("/antes/predict/batch")
    def predict_batch_before(batch: BatchRequestV2, model: ModelDep) -> BatchPredictionV2:
        species, proba = model.predict_proba(batch.matrix)
        return BatchPredictionV2(
            model_version=model.version,
            classes=model.classes,
            species=species,
            probabilities=proba.round(4).tolist(),
        )

    return app


def cumulative(stats: pstats.Stats, functions: list[tuple[str, str]]) -> float:
    """Segundos acumulados por las funciones (archivo, nombre) en todos los hilos."""
    return sum(
        cumtime
        for (file, _, name), (_, _, _, cumtime, _) in stats.stats.items()
        for suffix, wanted in functions
        if name == wanted and Path(file).as_posix().endswith(suffix)
    )


def stage_table(stats: pstats.Stats, gc_seconds: float, requests: int) -> dict[str, float]:
    """Milisegundos por pedido de cada etapa (el endpoint, sin el modelo ni la serialización)."""
    ms = {stage: 1000 * cumulative(stats, f) / requests for stage, f in STAGES.items()}
    inside = cumulative(stats, [("pydantic/main.py", "model_dump_json")]) * 1000 / requests
    ms["el endpoint, sin el modelo"] -= ms["modelo (predict_proba)"] + inside
    ms["de todo lo anterior: recolector de basura (gen. 2)"] = 1000 * gc_seconds / requests
    return {stage: round(value, 1) for stage, value in ms.items()}


def profile(before: bool, requests: int = 12, rows: int = 10_000) -> dict:
    """Perfila `requests` lotes de `rows` filas contra la API en hilos de este proceso."""
    bundle = iris_train.train()
    with tempfile.TemporaryDirectory() as tmp:
        model_path = iris_train.save(bundle, Path(tmp) / "model.joblib")
        app = app_before(model_path) if before else create_app(model_path=model_path)
        path = "/antes/predict/batch" if before else "/v2/predict/batch"
        iris = load_iris()
        matrix = iris.data[np.random.default_rng(0).integers(0, len(iris.data), size=rows)]
        body = json.dumps({"instances": matrix.tolist()}).encode()  # fuera de lo medido
        headers = {"content-type": "application/json"}
        with profile_threads() as profilers, UvicornThread(app).start(health_path="/ready") as srv:
            if before:
                gc.unfreeze()  # antes no se congelaba lo cargado al arrancar
            heap = len(gc.get_objects(generation=2))  # lo que recorre una recolección completa
            with httpx.Client(base_url=srv.url, timeout=60) as http, gc_pauses() as pauses:
                start = time.perf_counter()
                for _ in range(requests):
                    http.post(path, content=body, headers=headers).raise_for_status()
                elapsed = time.perf_counter() - start
    return {
        "por_pedido_ms": round(1000 * elapsed / requests, 1),
        "etapas_ms": stage_table(pstats.Stats(*profilers), pauses["seconds"], requests),
        "recolecciones_completas": pauses["collections"],
        "objetos_en_generacion_2": heap,
        "pedidos": requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", action="store_true", help="el endpoint de antes")
    parser.add_argument("--json", action="store_true", help="salida en JSON")
    args = parser.parse_args()
    result = profile(before=args.before)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"{result['por_pedido_ms']} ms por pedido (con el perfilador encendido), de los que:")
    for stage, ms in result["etapas_ms"].items():
        print(f"{ms:8.1f} ms  {stage}")
    print(
        f"{result['recolecciones_completas']} recolecciones completas en {result['pedidos']} "
        f"pedidos, cada una sobre {result['objetos_en_generacion_2']} objetos viejos"
    )


if __name__ == "__main__":
    main()
