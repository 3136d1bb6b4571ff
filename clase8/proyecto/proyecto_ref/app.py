"""La API de predicción del proyecto: arma las piezas, nada más.

- ``champion``: el campeón de MLflow, cargado al arrancar y recargado cuando el alias cambia.
- ``problems`` y ``health``: errores problem+json, ``/health`` (liveness) y ``/ready``
  (readiness: listo cuando hay un campeón cargado).
- ``metrics``: ``/metrics`` para Prometheus (solicitudes por ruta y estado, y su duración).
- ``routes``: REST en ``/v1``; ``graphql_schema``: GraphQL en ``/graphql``; ambos con ``auth``.

Ejecutar (desde ``clase8/proyecto``):

    uvicorn --factory proyecto_ref.app:create_app --port 8000
    python -m proyecto_ref serve --port 8000
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from proyecto_ref import __version__, metrics, prediction
from proyecto_ref.champion import ChampionWatcher
from proyecto_ref.config import Settings
from proyecto_ref.graphql_schema import graphql_router
from proyecto_ref.health import health_router
from proyecto_ref.problems import install_problem_handlers, problem_responses
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

    app = FastAPI(
        title="Proyecto de referencia — Clase 8",
        version=__version__,
        lifespan=lifespan,
        responses=problem_responses(500),  # cualquier endpoint puede fallar sin preverlo
    )
    app.state.settings = settings
    app.state.champion = watcher
    app.state.metrics = metrics.Metrics()  # un registro por app
    install_problem_handlers(app)
    app.middleware("http")(metrics.measure)
    app.include_router(health_router(champion_loaded))
    app.include_router(metrics.router)  # público, como /health: Prometheus no tiene credenciales
    app.include_router(router)
    app.include_router(graphql_router())
    return app
