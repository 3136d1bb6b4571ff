"""Versionado: `/v1` (deprecada, sigue funcionando) y `/v2`, lado a lado.

El contrato de `/v2` cambió (probabilidades, versión del modelo y un lote vectorizado, en JSON
o en Arrow según `batch_formats.py`), así que es una versión nueva. Toda respuesta de `/v1`
avisa que está deprecada y cuándo deja de existir: `Deprecation` (RFC 9745), `Sunset`
(RFC 8594) y `Link` a la versión sucesora. Los trabajos (`jobs.py`) no cambiaron en `/v2`:
no están deprecados.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from . import batch_formats
from .contracts import BatchRequest, IrisFeatures, rows_to_matrix
from .model import ModelDep
from .problems import problem_responses
from .responses import BatchPredictionV1, BatchPredictionV2, PredictionV1, PredictionV2

V1_SUNSET = "Wed, 30 Jun 2027 23:59:59 GMT"  # fecha en que /v1 deja de existir (RFC 8594)
V1_DEPRECATED_SINCE = "@1780272000"  # 2026-06-01 00:00 UTC como fecha estructurada (RFC 9745)


async def add_deprecation_headers(response: Response) -> None:
    """Toda respuesta de /v1 avisa que la versión está deprecada y cuándo desaparece."""
    response.headers["Deprecation"] = V1_DEPRECATED_SINCE
    response.headers["Sunset"] = V1_SUNSET
    response.headers["Link"] = '</v2/predict>; rel="successor-version"'


# 422: entrada inválida; 503: el modelo no está cargado (ver model.py).
v1 = APIRouter(
    prefix="/v1",
    tags=["v1 (deprecada)"],
    dependencies=[Depends(add_deprecation_headers)],
    responses=problem_responses(422, 503),
)
v2 = APIRouter(prefix="/v2", tags=["v2"], responses=problem_responses(422, 503))


@v1.post("/predict", deprecated=True)
def predict_v1(features: IrisFeatures, model: ModelDep, request: Request) -> PredictionV1:
    # `def` (no `async def`): predecir usa CPU; FastAPI lo corre en un hilo aparte y el
    # bucle de eventos sigue atendiendo otras solicitudes.
    [species] = model.predict(rows_to_matrix([features]))
    request.app.state.metrics.predicted_rows.labels(model.version, "v1").inc()
    return PredictionV1(species=species)


@v1.post("/predict/batch", deprecated=True)
def predict_batch_v1(batch: BatchRequest, model: ModelDep, request: Request) -> BatchPredictionV1:
    species = model.predict(rows_to_matrix(batch.rows))  # una sola llamada vectorizada
    request.app.state.metrics.predicted_rows.labels(model.version, "v1").inc(len(species))
    return BatchPredictionV1(species=species, n_rows=len(species))


@v2.post("/predict")
def predict_v2(features: IrisFeatures, model: ModelDep, request: Request) -> PredictionV2:
    [species], proba = model.predict_proba(rows_to_matrix([features]))
    request.app.state.metrics.predicted_rows.labels(model.version, "v2").inc()
    return PredictionV2(
        species=species,
        probabilities=dict(zip(model.classes, proba[0].round(4).tolist(), strict=True)),
        model_version=model.version,
    )


@v2.post(
    "/predict/batch",
    response_model=BatchPredictionV2,
    openapi_extra={"requestBody": batch_formats.request_body_doc()},
    responses={200: batch_formats.ARROW_RESPONSE_DOC, **problem_responses(406, 415)},
)
def predict_batch_v2(
    answer_as: batch_formats.ResponseFormat,  # primero: un 406 no necesita leer el cuerpo
    matrix: batch_formats.BatchMatrix,  # JSON o Arrow, según Content-Type (batch_formats.py)
    model: ModelDep,
    request: Request,
) -> Response:  # el contrato JSON lo declara response_model
    species, proba = model.predict_proba(matrix)  # una sola llamada vectorizada
    request.app.state.metrics.predicted_rows.labels(model.version, "v2").inc(len(species))
    if answer_as == batch_formats.ARROW_STREAM:
        return batch_formats.arrow_response(proba, model.classes, model.version)
    # Sin volver a validar los 40 000 valores que acaba de producir el modelo (tipos conocidos),
    # y ya serializado: FastAPI no lo valida de nuevo (ver el perfil del notebook 02).
    answer = BatchPredictionV2.model_construct(
        model_version=model.version,
        classes=model.classes,
        species=species,
        probabilities=proba.round(4).tolist(),
    )
    return Response(answer.model_dump_json(), media_type=batch_formats.JSON)
