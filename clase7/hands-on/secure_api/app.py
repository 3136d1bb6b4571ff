"""Armado de la API segura: solo conecta las piezas (cada una en su archivo).

    uvicorn --factory secure_api.app:create_app --port 8000     # docs en /docs
    python -m secure_api serve --port 8000                       # lo mismo, con mensajes claros

Importar este módulo no lee el entorno ni arma nada: la configuración se lee al llamar a
`create_app()` (o se le pasa un `Settings`, como hacen los notebooks y las pruebas).
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI

from . import audit, routes_predict, routes_token
from .body_limit import BodySizeLimit
from .errors import install_coded_problems
from .health import health_router
from .model import load_model, model_ready
from .problems import install_problem_handlers, problem_responses
from .rate_limit import RateLimiter
from .settings import Settings

logger = logging.getLogger("secure_api")


def create_app(settings: Settings | None = None) -> FastAPI:
    """La app. Sin `settings`, la configuración se lee del entorno (`Settings.from_env`)."""
    settings = settings or Settings.from_env()
    settings.check()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.dev_defaults_in_use:
            logger.warning(
                "secure_api usa valores de DESARROLLO para: %s",
                ", ".join(settings.dev_defaults_in_use),
            )
        app.state.model, app.state.model_error = load_model(settings)
        yield

    app = FastAPI(
        title="API segura de dígitos",
        version="1.0.0",
        description="Servicio de predicción de la Clase 7 (MLOps II, CEIA–FIUBA): "
        "autenticación, autorización por scopes, límite de tasa, tope de tamaño y auditoría.",
        lifespan=lifespan,
        # cualquier endpoint puede recibir un cuerpo demasiado grande o fallar sin preverlo
        responses=problem_responses(413, 500),
    )
    app.state.settings = settings
    app.state.model, app.state.model_error = None, "El modelo todavía no se cargó."
    app.state.limiter = RateLimiter(settings.rate_capacity, settings.rate_per_s)
    app.state.login_limiter = RateLimiter(settings.login_capacity, settings.login_per_s)
    app.state.audit = audit.AuditLog(settings.audit_log_path)

    app.include_router(routes_token.router)
    app.include_router(routes_predict.router)
    app.include_router(audit.router)
    app.include_router(health_router(model_ready))
    install_problem_handlers(app)
    install_coded_problems(app)  # después: agrega `code` y acota los errores de validación
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)  # 413 sin leer el cuerpo
    app.middleware("http")(audit.audit_requests)  # el último agregado envuelve al resto: ve el 413
    return app
