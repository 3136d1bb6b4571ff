"""`create_app()`: arma el servicio. Solo conecta piezas; cada una vive en su archivo.

uvicorn --factory lake_service.app:create_app --port 8000   # configuración del entorno
python -m lake_service --port 8000                          # lo mismo, vía cli.py
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request

from .champion import ChampionWatcher
from .health import NotReady, health_router
from .problems import install_problem_handlers, problem_responses
from .routes import router
from .settings import Settings


def model_loaded(request: Request) -> dict:
    """Readiness: lista cuando hay un campeón cargado; los detalles dicen cuál y cómo le va."""
    champion: ChampionWatcher = request.app.state.champion
    if champion.current is None:
        reason = champion.last_error or f"todavía no terminó la primera carga de {champion.uri}"
        raise NotReady(f"sin modelo cargado: {reason}")
    return champion.info()


def create_app(settings: Settings | None = None) -> FastAPI:
    """La app con el campeón de `settings` (o del entorno): se carga al arrancar, no al armar."""
    settings = settings or Settings.from_env()
    champion = ChampionWatcher(
        settings.model_name,
        tracking_uri=settings.tracking_uri,
        alias=settings.alias,
        interval_s=settings.poll_s,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Primera carga y sondeo del alias. Sin modelo igual arranca: /ready dice 503 y el
        # sondeo (o POST /reload) reintenta.
        await asyncio.to_thread(champion.start)
        try:
            yield
        finally:
            await asyncio.to_thread(champion.stop)

    app = FastAPI(
        title="Servicio de predicción (Clase 5)",
        lifespan=lifespan,
        responses=problem_responses(500),
    )
    app.state.champion = champion
    app.state.settings = settings
    install_problem_handlers(app)
    app.include_router(health_router(model_loaded))
    app.include_router(router)
    return app
