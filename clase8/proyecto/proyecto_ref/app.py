"""La API de predicción del proyecto: arma las piezas, nada más.

- ``champion``: el campeón de MLflow, cargado al arrancar y recargado cuando el alias cambia.
- ``problems`` y ``health``: errores problem+json, ``/health`` (liveness) y ``/ready``
  (readiness: listo cuando hay un campeón cargado).
- ``routes``: REST en ``/v1``; ``graphql_schema``: GraphQL en ``/graphql``; ambos con ``auth``.

Ejecutar (desde ``clase8/proyecto``):

    uvicorn --factory proyecto_ref.app:create_app --port 8000
    python -m proyecto_ref serve --port 8000
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from proyecto_ref import __version__, prediction
from proyecto_ref.champion import ChampionWatcher
from proyecto_ref.config import Settings
from proyecto_ref.graphql_schema import graphql_router
from proyecto_ref.health import health_router
from proyecto_ref.problems import install_problem_handlers
from proyecto_ref.routes import champion_loaded, router


def create_app(
    settings: Settings | None = None, champion: ChampionWatcher | None = None
) -> FastAPI:
    """La app; `settings` sale del entorno si no se pasa, `champion` se crea si no se pasa."""
    settings = settings or Settings.from_env()
    watcher = champion or prediction.champion_watcher(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        watcher.start()  # primera carga (sin campeón igual arranca: /ready dirá por qué)
        yield
        watcher.stop()

    app = FastAPI(title="Proyecto de referencia — Clase 8", version=__version__, lifespan=lifespan)
    app.state.settings = settings
    app.state.champion = watcher
    install_problem_handlers(app)
    app.include_router(health_router(champion_loaded))
    app.include_router(router)
    app.include_router(graphql_router(), prefix="/graphql")
    return app
