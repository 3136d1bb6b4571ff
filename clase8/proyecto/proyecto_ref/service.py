"""API de predicción del proyecto: REST (FastAPI) y GraphQL (Strawberry) sobre el campeón de MLflow.

- Carga ``models:/<modelo>@champion`` al arrancar y lo recarga cuando el alias cambia
  (``model_store.ChampionStore``).
- Seguridad: cada endpoint de ``/v1`` y ``/graphql`` exige una clave de API (``X-API-Key``) o un
  JWT (``Authorization: Bearer``) firmado con ``PROYECTO_JWT_SECRET``. ``/health`` y ``/ready``
  son públicos (los usan el orquestador y el balanceador).
- Errores claros: 401 sin credenciales válidas, 422 con el campo y el motivo, 503 sin campeón.

Ejecutar:

    uvicorn proyecto_ref.service:app --port 8000          # desde clase8/proyecto
    python -m proyecto_ref.service serve --port 8000
    python -m proyecto_ref.service token --sub analista    # JWT de desarrollo (1 hora)
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import logging
import time
from contextlib import asynccontextmanager
from typing import Annotated

import jwt
import pandas as pd
import strawberry
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError
from strawberry.fastapi import GraphQLRouter

from proyecto_ref.config import Settings
from proyecto_ref.model_store import ChampionStore
from proyecto_ref.schemas import PredictRequest, translate_errors

log = logging.getLogger("proyecto_ref.service")


def problem(status: int, title: str, detail: str, **extra) -> JSONResponse:
    body = {"title": title, "status": status, "detail": detail, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status, headers=headers, media_type="application/problem+json")


class ProblemError(Exception):
    def __init__(self, status: int, title: str, detail: str):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


# --------------------------------------------------------------------------- seguridad
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
bearer = HTTPBearer(auto_error=False)


def create_token(settings: Settings, subject: str, minutes: int = 60) -> str:
    now = int(time.time())
    claims = {"sub": subject, "iat": now, "exp": now + 60 * minutes}
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


def require_client(
    request: Request,
    api_key: Annotated[str | None, Depends(api_key_header)],
    token: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """Identidad del cliente: clave de API válida o JWT válido; si no, 401."""
    settings: Settings = request.app.state.settings
    if api_key:
        given = hashlib.sha256(api_key.encode()).digest()
        for known in settings.api_keys:  # comparación en tiempo constante
            if hmac.compare_digest(given, hashlib.sha256(known.encode()).digest()):
                return "clave:" + hashlib.sha256(known.encode()).hexdigest()[:8]
        raise ProblemError(401, "No autenticado", "la clave de API no es válida")
    if token:
        try:
            claims = jwt.decode(
                token.credentials,
                settings.jwt_secret,
                algorithms=["HS256"],
                options={"require": ["exp", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise ProblemError(401, "No autenticado", "el token venció") from None
        except jwt.InvalidTokenError:
            raise ProblemError(401, "No autenticado", "el token no es válido") from None
        return "jwt:" + claims["sub"]
    raise ProblemError(
        401, "No autenticado", "falta la cabecera X-API-Key o Authorization: Bearer <token>"
    )


Client = Annotated[str, Depends(require_client)]


def champion(request: Request):
    model = request.app.state.store.current
    if model is None:
        detail = request.app.state.store.last_error or "todavía no hay un modelo campeón"
        raise ProblemError(503, "Sin modelo", detail)
    return model


# ------------------------------------------------------------------------------ GraphQL
@strawberry.type
class ModelInfo:
    name: str
    version: str
    run_id: str


@strawberry.type
class Prediction:
    abandona: bool
    probabilidad: float
    version: str


@strawberry.input
class CustomerInput:
    antiguedad_meses: float
    cargo_mensual: float
    reclamos: float
    uso_datos_gb: float


@strawberry.type
class Query:
    @strawberry.field(description="Modelo campeón que se está sirviendo")
    def model(self, info: strawberry.Info) -> ModelInfo:
        m = champion(info.context["request"])
        return ModelInfo(name=m.name, version=m.version, run_id=m.run_id)

    @strawberry.field(description="Predicción de abandono para uno o más clientes")
    def predict(self, info: strawberry.Info, customers: list[CustomerInput]) -> list[Prediction]:
        rows = [strawberry.asdict(c) for c in customers]
        try:
            PredictRequest(instances=rows)
        except ValidationError as error:  # mismo esquema que REST → error GraphQL claro
            problems = translate_errors(error.errors())
            raise ValueError("; ".join(f"{p['field']}: {p['message']}" for p in problems)) from None
        model = champion(info.context["request"])
        return [Prediction(**p) for p in model.predict(pd.DataFrame(rows))]


class Schema(strawberry.Schema):
    """Los errores de validación son del cliente: se registran en una línea, sin traza."""

    def process_errors(self, errors, execution_context=None) -> None:
        for error in errors:
            log.info("error GraphQL: %s", error.message)


async def graphql_context(request: Request, client: Client) -> dict:
    return {"request": request, "client": client}


# ---------------------------------------------------------------------------------- app
def create_app(settings: Settings | None = None, store: ChampionStore | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.store = store or ChampionStore(settings)
        app.state.store.start()
        yield
        app.state.store.stop()

    app = FastAPI(title="Proyecto de referencia — Clase 8", version="1.0.0", lifespan=lifespan)
    app.state.settings = settings

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError):
        errors = translate_errors(exc.errors())
        return problem(
            422, "Entrada inválida", f"{len(errors)} error(es) de validación", errors=errors
        )

    @app.exception_handler(ProblemError)
    async def on_problem(request: Request, exc: ProblemError):
        return problem(exc.status, exc.title, exc.detail)

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.get("/ready")
    def ready(request: Request) -> dict:
        m = champion(request)
        return {"status": "listo", "model": m.name, "version": m.version}

    @app.get("/v1/model")
    def model_info(request: Request, client: Client) -> dict:
        m = champion(request)
        return {
            "name": m.name,
            "alias": settings.champion_alias,
            "version": m.version,
            "run_id": m.run_id,
        }

    @app.post("/v1/predict")
    def predict(body: PredictRequest, request: Request, client: Client) -> dict:
        m = champion(request)
        rows = pd.DataFrame([c.model_dump() for c in body.instances])
        return {"predictions": m.predict(rows)}

    schema = Schema(query=Query)
    app.include_router(GraphQLRouter(schema, context_getter=graphql_context), prefix="/graphql")
    return app


def __getattr__(name: str):
    """`uvicorn proyecto_ref.service:app` crea la app recién al pedirla (lee el entorno)."""
    if name == "app":
        return create_app()
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="API de predicción del proyecto de referencia")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="levanta la API con uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    token = sub.add_parser("token", help="emite un JWT firmado con PROYECTO_JWT_SECRET")
    token.add_argument("--sub", default="analista")
    token.add_argument("--minutes", type=int, default=60)
    args = parser.parse_args(argv)
    if args.command == "token":
        print(create_token(Settings.from_env(), args.sub, args.minutes))
        return 0
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    uvicorn.run(create_app(), host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
