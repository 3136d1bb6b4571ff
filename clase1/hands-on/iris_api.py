"""API REST del clasificador de iris (Clase 1).

Muestra validación de entradas con Pydantic v2, predicción en línea y en lote, trabajos
asíncronos (202 + sondeo), versionado /v1 y /v2 con cabeceras de deprecación, salud y
preparación, errores RFC 9457 en español, logs por solicitud y métricas Prometheus.

Fuera de Jupyter:
    python iris_train.py
    uvicorn iris_api:app --port 8000        # documentación interactiva en /docs
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import joblib
import numpy as np
from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

DEFAULT_MODEL_PATH = Path(__file__).parent / "artifacts" / "iris_rf.joblib"
MAX_BATCH_ROWS = 10_000  # límite de /predict/batch: más filas → usar /v1/jobs
MAX_JOB_ROWS = 100_000  # límite de un trabajo asíncrono
MAX_MEASURE_CM = 30.0  # ninguna flor de iris mide más de 30 cm: valores mayores son errores
V1_SUNSET = "Wed, 30 Jun 2027 23:59:59 GMT"  # fecha en que /v1 deja de existir (RFC 8594)
V1_DEPRECATED_SINCE = "@1780272000"  # 2026-06-01 00:00 UTC como fecha estructurada (RFC 9745)

logger = logging.getLogger("iris_api")
disable_created_metrics()  # sin series *_created: /metrics más corto y legible


# --------------------------------------------------------------------------------------
# Contrato de entrada: qué es un pedido válido
# --------------------------------------------------------------------------------------
class Unit(StrEnum):
    cm = "cm"
    mm = "mm"


FEATURE_NAMES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
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
        matrix = np.asarray(self.instances, dtype=float) / UNIT_DIVISOR[self.unit]
        problems = []
        too_big = np.flatnonzero((matrix > MAX_MEASURE_CM).any(axis=1))
        if too_big.size:
            problems.append(
                f"filas {first_rows(too_big)}: alguna medida supera {MAX_MEASURE_CM:g} cm"
            )
        wide_petal = np.flatnonzero(matrix[:, 3] > matrix[:, 2])
        if wide_petal.size:
            problems.append(f"filas {first_rows(wide_petal)}: petal_width mayor que petal_length")
        if problems:
            raise ValueError("; ".join(problems))
        self._matrix = matrix
        return self

    @property
    def matrix(self) -> np.ndarray:
        """Matriz (n, 4) en cm, ya validada: lo que recibe el modelo."""
        return self._matrix


def first_rows(indices: np.ndarray, limit: int = 5) -> str:
    shown = ", ".join(str(i) for i in indices[:limit])
    return f"[{shown}{', …' if indices.size > limit else ''}] ({indices.size} en total)"


class JobRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rows: list[IrisFeatures] = Field(min_length=1, max_length=MAX_JOB_ROWS)


# --------------------------------------------------------------------------------------
# Contratos de salida por versión
# --------------------------------------------------------------------------------------
Species = Literal["setosa", "versicolor", "virginica"]


class PredictionV1(BaseModel):
    species: Species


class BatchPredictionV1(BaseModel):
    species: list[Species]
    n_rows: int


class PredictionV2(BaseModel):
    species: Species
    probabilities: dict[str, float]
    model_version: str


class BatchPredictionV2(BaseModel):
    """Formato columnar: una lista por dato en vez de un objeto por fila (más compacto).
    `species[i]` y `probabilities[i]` corresponden a `instances[i]` del pedido."""

    model_version: str
    classes: list[str] = Field(description="Orden de las columnas de `probabilities`")
    species: list[Species]
    probabilities: list[list[float]]


class JobStatus(StrEnum):
    pending = "pending"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class JobInfo(BaseModel):
    job_id: str
    status: JobStatus
    n_rows: int
    status_url: str
    result_url: str
    error: str | None = None


class JobResultPage(BaseModel):
    job_id: str
    items: list[Species]
    offset: int
    limit: int
    total: int
    next: str | None = Field(description="URL de la página siguiente, o null si no hay más")


# --------------------------------------------------------------------------------------
# Errores: RFC 9457 (application/problem+json) con mensajes en español
# --------------------------------------------------------------------------------------
MESSAGES_ES = {
    "missing": "campo obligatorio",
    "float_parsing": "debe ser un número",
    "float_type": "debe ser un número",
    "finite_number": "debe ser un número finito (no NaN ni infinito)",
    "greater_than": "debe ser mayor que {gt}",
    "enum": "debe ser uno de: {expected}",
    "extra_forbidden": "campo no permitido (¿error de tipeo?)",
    "too_short": "debe tener al menos {min_length} elemento(s)",
    "too_long": "admite como máximo {max_length} elementos y se recibieron {actual_length}",
    "json_invalid": "el cuerpo no es JSON válido ({error})",
    "model_attributes_type": "debe ser un objeto JSON",
    "dict_type": "debe ser un objeto JSON",
    "list_type": "debe ser una lista",
    "value_error": "{error}",  # mensaje de nuestras propias reglas (ValueError)
}


def translate_error(error: dict) -> dict:
    """Convierte un error de Pydantic en {field, message, type} con mensaje en español."""
    ctx = {key: _readable(value) for key, value in error.get("ctx", {}).items()}
    template = MESSAGES_ES.get(error["type"])
    message = template.format(**ctx) if template else error["msg"]
    # loc es la ruta al dato: ("body", "rows", 3, "petal_width") → "rows.3.petal_width".
    # Un JSON roto no tiene campo: su loc es la posición del error, no una ruta.
    location = [] if error["type"] == "json_invalid" else list(error["loc"])
    if len(location) == 4 and location[1] == "instances":  # columna 1 → "sepal_width"
        location[3] = FEATURE_NAMES[location[3]]
    field_path = ".".join(str(part) for part in location if part != "body")
    return {"field": field_path or "(cuerpo)", "message": message, "type": error["type"]}


def _readable(value) -> str:
    """0.0 → '0'; "'cm' or 'mm'" → "'cm' o 'mm'" (los contextos de Pydantic vienen en inglés)."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace(" or ", " o ")


def problem(status: int, title: str, detail: str, **extra) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


class ProblemError(Exception):
    """Error de negocio que la API devuelve como problem+json."""

    def __init__(self, status: int, title: str, detail: str):
        self.status, self.title, self.detail = status, title, detail


# --------------------------------------------------------------------------------------
# Estado del proceso: el modelo (cargado una vez) y los trabajos en memoria
# --------------------------------------------------------------------------------------
@dataclass
class Job:
    job_id: str
    rows: np.ndarray
    status: JobStatus = JobStatus.pending
    result: list[str] = field(default_factory=list)
    error: str | None = None


class JobStore:
    """Trabajos en memoria del proceso. Sirve para enseñar el patrón; NO escala a varios
    workers (cada proceso tendría su propio diccionario): en producción, Redis o una base."""

    def __init__(self, predict: Callable[[np.ndarray], list[str]]):
        self._predict = predict
        self._jobs: dict[str, Job] = {}
        self._by_idempotency_key: dict[str, str] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobs")

    def submit(self, rows: np.ndarray, idempotency_key: str | None) -> tuple[Job, bool]:
        """Crea un trabajo (o devuelve el existente si la clave de idempotencia se repite)."""
        with self._lock:
            if idempotency_key and idempotency_key in self._by_idempotency_key:
                return self._jobs[self._by_idempotency_key[idempotency_key]], False
            job = Job(job_id=uuid.uuid4().hex, rows=rows)
            self._jobs[job.job_id] = job
            if idempotency_key:
                self._by_idempotency_key[idempotency_key] = job.job_id
        self._executor.submit(self._run, job)
        return job, True

    def _run(self, job: Job) -> None:
        job.status = JobStatus.running
        try:
            job.result = self._predict(job.rows)
            job.status = JobStatus.succeeded
        except Exception as exc:  # el error queda registrado en el trabajo, no se pierde
            job.error = f"{type(exc).__name__}: {exc}"
            job.status = JobStatus.failed
        job.rows = np.empty((0, 4))  # liberar memoria: ya no hace falta

    def get(self, job_id: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise ProblemError(404, "Trabajo inexistente", f"No existe el trabajo '{job_id}'.")
        return job

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


class ModelService:
    """El modelo cargado una sola vez por proceso (en el lifespan), no en cada pedido."""

    def __init__(self, bundle: dict):
        self.model = bundle["model"]
        self.version: str = bundle["version"]
        self.classes: list[str] = bundle["classes"]

    def predict(self, x: np.ndarray) -> list[str]:
        return [self.classes[i] for i in self.model.predict(x)]

    def predict_proba(self, x: np.ndarray) -> tuple[list[str], np.ndarray]:
        proba = self.model.predict_proba(x)
        return [self.classes[i] for i in proba.argmax(axis=1)], proba


def rows_to_matrix(rows: list[IrisFeatures]) -> np.ndarray:
    """Lista de filas validadas → matriz (n, 4) en cm, el formato que espera el modelo."""
    matrix = np.array(
        [(r.sepal_length, r.sepal_width, r.petal_length, r.petal_width) for r in rows], dtype=float
    )
    divisors = np.array([UNIT_DIVISOR[r.unit] for r in rows])
    return matrix / divisors[:, None]  # una división vectorizada para todas las filas


# --------------------------------------------------------------------------------------
# Métricas Prometheus (un registro por app: se pueden crear varias apps en un proceso)
# --------------------------------------------------------------------------------------
class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total",
            "Solicitudes HTTP atendidas",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Duración de las solicitudes HTTP",
            ["method", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
            registry=self.registry,
        )
        self.predicted_rows = Counter(
            "model_predicted_rows_total",
            "Filas predichas por el modelo",
            ["model_version", "api_version"],
            registry=self.registry,
        )


# --------------------------------------------------------------------------------------
# Dependencias compartidas por los endpoints
# --------------------------------------------------------------------------------------
def get_model(request: Request) -> ModelService:
    model = request.app.state.model
    if model is None:
        raise ProblemError(503, "Modelo no disponible", request.app.state.model_error)
    return model


def get_jobs(request: Request) -> JobStore:
    return request.app.state.jobs


def add_deprecation_headers(response: Response) -> None:
    """Toda respuesta de /v1 avisa que la versión está deprecada y cuándo desaparece."""
    response.headers["Deprecation"] = V1_DEPRECATED_SINCE
    response.headers["Sunset"] = V1_SUNSET
    response.headers["Link"] = '</v2/predict>; rel="successor-version"'


ModelDep = Annotated[ModelService, Depends(get_model)]
JobsDep = Annotated[JobStore, Depends(get_jobs)]


# --------------------------------------------------------------------------------------
# /v1/predict: contrato original (solo la especie). Deprecado, pero sigue funcionando.
# --------------------------------------------------------------------------------------
v1 = APIRouter(
    prefix="/v1", tags=["v1 (deprecada)"], dependencies=[Depends(add_deprecation_headers)]
)


@v1.post("/predict", response_model=PredictionV1, deprecated=True)
def predict_v1(features: IrisFeatures, model: ModelDep, request: Request) -> PredictionV1:
    # `def` (no `async def`): predecir usa CPU; FastAPI lo corre en un hilo aparte y el
    # bucle de eventos sigue atendiendo otras solicitudes.
    [species] = model.predict(rows_to_matrix([features]))
    request.app.state.metrics.predicted_rows.labels(model.version, "v1").inc()
    return PredictionV1(species=species)


@v1.post("/predict/batch", response_model=BatchPredictionV1, deprecated=True)
def predict_batch_v1(batch: BatchRequest, model: ModelDep, request: Request) -> BatchPredictionV1:
    species = model.predict(rows_to_matrix(batch.rows))  # una sola llamada vectorizada
    request.app.state.metrics.predicted_rows.labels(model.version, "v1").inc(len(species))
    return BatchPredictionV1(species=species, n_rows=len(species))


# --------------------------------------------------------------------------------------
# /v1/jobs: trabajos asíncronos. Su contrato no cambió en v2, así que no están deprecados.
# --------------------------------------------------------------------------------------
jobs_router = APIRouter(prefix="/v1/jobs", tags=["trabajos"])


@jobs_router.post("", status_code=202, response_model=JobInfo)
def create_job(
    job_request: JobRequest,
    model: ModelDep,
    jobs: JobsDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JobInfo:
    job, _created = jobs.submit(rows_to_matrix(job_request.rows), idempotency_key)
    response.headers["Location"] = f"/v1/jobs/{job.job_id}"
    return job_info(job, status=JobStatus.pending if _created else job.status)


@jobs_router.get("/{job_id}", response_model=JobInfo)
def get_job(job_id: str, jobs: JobsDep) -> JobInfo:
    return job_info(jobs.get(job_id))


@jobs_router.get("/{job_id}/result", response_model=JobResultPage)
def get_job_result(
    job_id: str,
    jobs: JobsDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_BATCH_ROWS)] = 1000,
) -> JobResultPage:
    job = jobs.get(job_id)
    if job.status is not JobStatus.succeeded:
        raise ProblemError(
            409,
            "Resultado no disponible",
            f"El trabajo está '{job.status.value}'; reintentar más tarde.",
        )
    total = len(job.result)
    end = min(offset + limit, total)
    next_url = f"/v1/jobs/{job_id}/result?offset={end}&limit={limit}" if end < total else None
    return JobResultPage(
        job_id=job_id,
        items=job.result[offset:end],
        offset=offset,
        limit=limit,
        total=total,
        next=next_url,
    )


def job_info(job: Job, status: JobStatus | None = None) -> JobInfo:
    return JobInfo(
        job_id=job.job_id,
        status=status or job.status,
        n_rows=len(job.result) if job.result else len(job.rows),
        status_url=f"/v1/jobs/{job.job_id}",
        result_url=f"/v1/jobs/{job.job_id}/result",
        error=job.error,
    )


# --------------------------------------------------------------------------------------
# /v2: el contrato cambia (probabilidades y versión del modelo) → nueva versión de la API
# --------------------------------------------------------------------------------------
v2 = APIRouter(prefix="/v2", tags=["v2"])


@v2.post("/predict", response_model=PredictionV2)
def predict_v2(features: IrisFeatures, model: ModelDep, request: Request) -> PredictionV2:
    [species], proba = model.predict_proba(rows_to_matrix([features]))
    request.app.state.metrics.predicted_rows.labels(model.version, "v2").inc()
    return PredictionV2(
        species=species,
        probabilities=dict(zip(model.classes, proba[0].round(4).tolist(), strict=True)),
        model_version=model.version,
    )


@v2.post("/predict/batch", response_model=BatchPredictionV2)
def predict_batch_v2(batch: BatchRequestV2, model: ModelDep, request: Request) -> BatchPredictionV2:
    species, proba = model.predict_proba(batch.matrix)  # una sola llamada vectorizada
    request.app.state.metrics.predicted_rows.labels(model.version, "v2").inc(len(species))
    return BatchPredictionV2(
        model_version=model.version,
        classes=model.classes,
        species=species,
        probabilities=proba.round(4).tolist(),
    )


# --------------------------------------------------------------------------------------
# Operación: salud, preparación y métricas
# --------------------------------------------------------------------------------------
ops = APIRouter(tags=["operación"])


@ops.get("/health")
def health() -> dict:
    """Liveness: el proceso responde. No mira el modelo (si fallara, reiniciar no ayuda)."""
    return {"status": "ok"}


@ops.get("/ready")
def ready(request: Request):
    """Readiness: el modelo está cargado y se le puede mandar tráfico."""
    model = request.app.state.model
    if model is None:
        return problem(503, "No está listo", request.app.state.model_error)
    return {"status": "ready", "model_version": model.version}


@ops.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    return Response(
        generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST
    )


# --------------------------------------------------------------------------------------
# Armado de la aplicación
# --------------------------------------------------------------------------------------
def create_app(model_path: str | os.PathLike | None = None) -> FastAPI:
    """Crea la app. El modelo se lee de `model_path`, de $MODEL_PATH o de artifacts/."""
    path = Path(model_path or os.environ.get("MODEL_PATH", DEFAULT_MODEL_PATH))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.model, app.state.model_error = load_model(path)
        app.state.jobs = JobStore(lambda x: app.state.model.predict(x))
        yield
        app.state.jobs.shutdown()

    app = FastAPI(
        title="API de clasificación de iris",
        version="2.0.0",
        description="Servicio de predicción de la Clase 1 (MLOps II, CEIA–FIUBA).",
        lifespan=lifespan,
    )
    app.state.metrics = Metrics()
    app.state.model, app.state.model_error = None, "El modelo todavía no se cargó."
    app.include_router(v1)
    app.include_router(jobs_router)
    app.include_router(v2)
    app.include_router(ops)
    install_error_handlers(app)
    app.middleware("http")(log_and_measure)
    return app


def load_model(path: Path) -> tuple[ModelService | None, str]:
    if not path.exists():
        message = f"No se encontró el modelo en {path}: ejecutar `python iris_train.py` primero."
        logger.warning(message)
        return None, message
    return ModelService(joblib.load(path)), ""


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError):
        errors = [translate_error(e) for e in exc.errors()]
        detail = f"La solicitud tiene {len(errors)} error(es) de validación."
        return problem(422, "Entrada inválida", detail, errors=errors)

    @app.exception_handler(ProblemError)
    async def on_problem(request: Request, exc: ProblemError):
        return problem(exc.status, exc.title, exc.detail)


async def log_and_measure(request: Request, call_next):
    """Middleware: id de solicitud, un log JSON por solicitud y métricas RED."""
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    start = time.perf_counter()
    response = await call_next(request)
    elapsed = time.perf_counter() - start
    # La ruta como plantilla (/v1/jobs/{job_id}), no la URL concreta: evita explotar
    # la cantidad de series en Prometheus (cardinalidad).
    route = getattr(request.scope.get("route"), "path", "sin_ruta")
    metrics_ = request.app.state.metrics
    metrics_.requests.labels(request.method, route, str(response.status_code)).inc()
    metrics_.latency.labels(request.method, route).observe(elapsed)
    response.headers["X-Request-ID"] = request_id
    model = request.app.state.model
    logger.info(
        json.dumps(
            {
                "request_id": request_id,
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "latency_ms": round(elapsed * 1000, 2),
                "model_version": model.version if model else None,
            }
        )
    )
    return response


app = create_app()
