"""Servicio de predicción de la Clase 5: carga el modelo campeón desde MLflow (artefactos en
MinIO/S3) y lo recarga cuando el alias se mueve, sin dejar de servir el anterior si algo falla.

Endpoints:
    GET  /health    200 con el modelo servido (nombre, alias, versión, run) o 503 si no hay modelo
    POST /reload    busca el alias ya; 200 si cargó (o no había cambios), 404/503 si falló
    POST /predict   {"instances": [{"temperature": ..., "vibration": ..., ...}]} -> predicciones

Variables de entorno (entre paréntesis, el valor por defecto):
    MLFLOW_TRACKING_URI       servidor de MLflow (http://localhost:5000)
    LAKE_MODEL_NAME           modelo registrado (clase5-fallas)
    LAKE_MODEL_ALIAS          alias que se sirve (champion)
    LAKE_SERVICE_POLL_S       cada cuántos segundos se consulta el alias; 0 = solo /reload (30)

Los artefactos los entrega el servidor de MLflow (modo *proxied*): el servicio no necesita
credenciales de S3. Fuera de Jupyter:

    python lake_model_service.py --port 8000
    uvicorn lake_model_service:app --port 8000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import tempfile
import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import mlflow
from fastapi import FastAPI, HTTPException
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from pydantic import BaseModel, Field

log = logging.getLogger("lake_model_service")

# Un MLflow caído no debe colgar una recarga: pocos reintentos y tiempo límite corto.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")


@dataclass
class Settings:
    tracking_uri: str = field(
        default_factory=lambda: os.environ.get("MLFLOW_TRACKING_URI", "http://localhost:5000")
    )
    model_name: str = field(
        default_factory=lambda: os.environ.get("LAKE_MODEL_NAME", "clase5-fallas")
    )
    alias: str = field(default_factory=lambda: os.environ.get("LAKE_MODEL_ALIAS", "champion"))
    poll_s: float = field(
        default_factory=lambda: float(os.environ.get("LAKE_SERVICE_POLL_S", "30"))
    )


class ReloadError(RuntimeError):
    """La recarga falló; `status` es el código HTTP que la describe (404 alias, 503 MLflow)."""

    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__(message)


@dataclass
class Served:
    """El modelo en memoria y de dónde salió."""

    model: object
    version: str
    run_id: str
    loaded_at: float
    load_s: float


class ChampionHolder:
    """Guarda el modelo servido y lo reemplaza solo cuando el nuevo cargó completo."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.served: Served | None = None
        self.last_error: str | None = None
        self.reloads = 0
        self._lock = threading.Lock()  # una recarga a la vez (sondeo y /reload)

    @property
    def uri(self) -> str:
        return f"models:/{self.settings.model_name}@{self.settings.alias}"

    def resolve(self):
        """Versión a la que apunta el alias ahora (ReloadError clara si no se puede saber)."""
        client = MlflowClient(tracking_uri=self.settings.tracking_uri)
        try:
            return client.get_model_version_by_alias(self.settings.model_name, self.settings.alias)
        except MlflowException as exc:
            if exc.error_code in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"):
                raise ReloadError(
                    404,
                    f"no existe {self.uri}: el modelo '{self.settings.model_name}' no tiene el "
                    f"alias '{self.settings.alias}' (¿se registró y se promovió una versión?)",
                ) from None
            if "failed with exception" in str(exc):  # el cliente no pudo conectarse
                reason = "no se pudo conectar (¿servidor caído o URI incorrecta?)"
            else:
                reason = str(exc).splitlines()[0][:200]
            raise ReloadError(
                503, f"MLflow no responde en {self.settings.tracking_uri}: {reason}"
            ) from None
        except Exception as exc:  # red caída, DNS, tiempo agotado
            raise ReloadError(
                503,
                f"no se pudo consultar MLflow en {self.settings.tracking_uri}: "
                f"{type(exc).__name__}: {str(exc)[:200]}",
            ) from None

    def reload(self) -> dict:
        """Carga la versión del alias si cambió. Si falla, se sigue sirviendo la anterior."""
        with self._lock:
            try:
                target = self.resolve()
                if self.served is not None and self.served.version == target.version:
                    self.last_error = None
                    return {"changed": False, "version": target.version}
                started = time.perf_counter()
                client = MlflowClient(tracking_uri=self.settings.tracking_uri)
                # Por número de versión, no por alias: si el alias se mueve durante la descarga,
                # se carga igual una versión coherente con lo que se informa. El servidor de
                # MLflow entrega los archivos desde S3 (mlflow-artifacts:/...).
                source = client.get_model_version_download_uri(
                    self.settings.model_name, target.version
                )
                with tempfile.TemporaryDirectory() as tmp:
                    path = mlflow.artifacts.download_artifacts(
                        artifact_uri=source, dst_path=tmp, tracking_uri=self.settings.tracking_uri
                    )
                    model = mlflow.pyfunc.load_model(path)
                load_s = time.perf_counter() - started
            except ReloadError as exc:
                self.last_error = str(exc)
                log.error(
                    "recarga fallida (%s); sigo con la versión %s", exc, self.version or "ninguna"
                )
                raise
            except Exception as exc:
                self.last_error = f"no se pudo cargar {self.uri}: {type(exc).__name__}: {exc}"
                log.error("%s; sigo con la versión %s", self.last_error, self.version or "ninguna")
                raise ReloadError(503, self.last_error) from None
            previous = self.version
            self.served = Served(model, target.version, target.run_id, time.time(), load_s)
            self.last_error = None
            self.reloads += 1
            log.info("modelo %s: versión %s -> %s", self.uri, previous, target.version)
            return {"changed": True, "version": target.version, "previous": previous}

    @property
    def version(self) -> str | None:
        return self.served.version if self.served else None

    def info(self) -> dict:
        served = self.served
        return {
            "model_name": self.settings.model_name,
            "alias": self.settings.alias,
            "version": served.version if served else None,
            "run_id": served.run_id if served else None,
            "load_seconds": round(served.load_s, 3) if served else None,
            "reloads": self.reloads,
            "last_error": self.last_error,
        }


class Reading(BaseModel):
    temperature: float = Field(ge=-30, le=150, description="°C")
    vibration: float = Field(ge=0, le=50, description="mm/s")
    pressure: float = Field(ge=0, le=100, description="bar")
    hours: float = Field(ge=0, le=100_000, description="horas de uso")


class PredictRequest(BaseModel):
    instances: list[Reading] = Field(min_length=1, max_length=1000)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    holder = ChampionHolder(settings)

    async def poll() -> None:
        while True:
            await asyncio.sleep(settings.poll_s)
            # Si falla ya quedó en last_error y en el log; se reintenta en la próxima vuelta.
            with contextlib.suppress(ReloadError):
                await asyncio.to_thread(holder.reload)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        try:  # sin modelo igual arranca: /health dice 503 y el sondeo reintenta
            await asyncio.to_thread(holder.reload)
        except ReloadError as exc:
            log.error("arranque sin modelo: %s", exc)
        task = asyncio.create_task(poll()) if settings.poll_s > 0 else None
        yield
        if task is not None:
            task.cancel()

    app = FastAPI(title="Servicio de predicción (Clase 5)", lifespan=lifespan)
    app.state.holder = holder

    @app.get("/health")
    def health():
        if holder.served is None:
            raise HTTPException(503, detail={"error": "sin modelo cargado", **holder.info()})
        return {"status": "ok", **holder.info()}

    @app.post("/reload")
    def reload():
        try:
            return {**holder.reload(), **holder.info()}
        except ReloadError as exc:
            detail = {"error": str(exc), "serving_version": holder.version}
            raise HTTPException(exc.status, detail=detail) from None

    @app.post("/predict")
    def predict(request: PredictRequest):
        served = holder.served  # una sola lectura: la recarga puede reemplazarlo en paralelo
        if served is None:
            raise HTTPException(503, detail={"error": "sin modelo cargado", **holder.info()})
        import pandas as pd

        frame = pd.DataFrame([r.model_dump() for r in request.instances])
        frame["stress"] = frame["vibration"] * frame["hours"] / 1000
        predictions = served.model.predict(frame)
        return {"predictions": [int(p) for p in predictions], "model_version": served.version}

    return app


# Para `uvicorn lake_model_service:app`: la configuración sale del entorno y el modelo se carga
# recién al arrancar (lifespan), así que importar el módulo no toca la red.
app = create_app()


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="Servicio que sirve el modelo campeón.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    uvicorn.run(create_app(), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
