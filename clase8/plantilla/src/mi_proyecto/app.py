"""La API: arma las piezas (configuración, modelo, errores, salud y rutas), nada más.

uvicorn --factory mi_proyecto.app:create_app --port 8000
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from mi_proyecto import __version__, model
from mi_proyecto.config import Settings
from mi_proyecto.health import health_router
from mi_proyecto.problems import install_problem_handlers
from mi_proyecto.routes import model_loaded, router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.model, app.state.model_error = None, None
        try:
            app.state.model = model.load_model(settings.model_uri, settings.mlflow_tracking_uri)
        except Exception as error:  # sin modelo la API igual arranca: /ready dice por qué
            app.state.model_error = f"no se pudo cargar {settings.model_uri}: {error}"
        yield

    app = FastAPI(title="Mi proyecto", version=__version__, lifespan=lifespan)
    app.state.settings = settings
    install_problem_handlers(app)
    app.include_router(health_router(model_loaded))
    app.include_router(router)
    return app
