"""El modelo que se sirve: el campeón de MLflow, recargado cuando su alias cambia de versión.

Patrón *champion reload*: el servicio no conoce números de versión, solo el alias
(`models:/<nombre>@champion`). Cada `interval_s` segundos pregunta a MLflow a qué versión
apunta el alias (una llamada liviana) y solo si cambió descarga y carga la nueva. El reemplazo
es atómico: una predicción en curso termina con el modelo anterior y la siguiente usa el nuevo.
Si algo falla (MLflow caído, alias inexistente, artefacto roto) se sigue sirviendo el anterior
y el motivo queda en `last_error`.

Archivo compartido entre capítulos: esta copia (Clase 5) es la canónica y se copia tal cual en
cada servicio que la usa; `tests/test_code_shape.py` falla si una copia se aparta.

Uso:
    champion = ChampionWatcher("clase5-fallas", tracking_uri="http://localhost:5000")
    champion.start()                  # primera carga + hilo que sondea el alias
    served = champion.current         # Served(model, version, run_id, ...) o None
    champion.refresh()                # recarga ya (p. ej. desde POST /reload)
    champion.stop()
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

log = logging.getLogger(__name__)

# Carga un modelo desde la carpeta local descargada; p. ej. mlflow.sklearn.load_model.
LoadFromPath = Callable[[str], Any]


class ReloadError(RuntimeError):
    """La recarga falló; `status` es el código HTTP que la describe (404 sin alias, 503 MLflow)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Served:
    """El modelo en memoria y de dónde salió."""

    model: Any
    name: str
    version: str
    run_id: str
    load_seconds: float


class ChampionWatcher:
    """Guarda el campeón cargado y lo reemplaza solo cuando el nuevo cargó completo."""

    def __init__(
        self,
        model_name: str,
        *,
        tracking_uri: str,
        alias: str = "champion",
        interval_s: float = 10.0,
        load_from_path: LoadFromPath = mlflow.pyfunc.load_model,
    ):
        self.model_name, self.alias, self.interval_s = model_name, alias, interval_s
        self.tracking_uri = tracking_uri
        self.load_from_path = load_from_path
        self.current: Served | None = None
        self.last_error: str | None = None
        self.reloads = 0
        self._lock = threading.Lock()  # una recarga a la vez (sondeo y pedido manual)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def uri(self) -> str:
        return f"models:/{self.model_name}@{self.alias}"

    def refresh(self) -> bool:
        """Carga la versión del alias si cambió; True si cambió. Lanza ReloadError si falla."""
        with self._lock:
            try:
                target = self._resolve()
                if self.current is not None and self.current.version == str(target.version):
                    self.last_error = None
                    return False
                served = self._load(str(target.version), target.run_id)
            except ReloadError as error:
                self.last_error = str(error)
                log.error("recarga fallida (%s); sigo con la versión %s", error, self.version)
                raise
            previous, self.current = self.version, served
            self.last_error, self.reloads = None, self.reloads + 1
            log.info("campeón %s: versión %s -> %s", self.uri, previous, served.version)
            return True

    def _resolve(self):
        """Versión a la que apunta el alias ahora, o ReloadError con un motivo claro."""
        client = MlflowClient(tracking_uri=self.tracking_uri)
        try:
            return client.get_model_version_by_alias(self.model_name, self.alias)
        except MlflowException as error:
            if error.error_code in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"):
                raise ReloadError(
                    404,
                    f"no existe {self.uri}: el modelo '{self.model_name}' no tiene el alias "
                    f"'{self.alias}' (¿se registró y se promovió una versión?)",
                ) from None
            if "failed with exception" in str(error):  # el cliente no pudo conectarse
                reason = "no se pudo conectar (¿servidor caído o URI incorrecta?)"
            else:
                reason = str(error).splitlines()[0][:200]
            raise ReloadError(503, f"MLflow no responde en {self.tracking_uri}: {reason}") from None
        except Exception as error:  # red caída, DNS, tiempo agotado
            reason = f"{type(error).__name__}: {str(error)[:200]}"
            message = f"no se pudo consultar MLflow en {self.tracking_uri}: {reason}"
            raise ReloadError(503, message) from None

    def _load(self, version: str, run_id: str) -> Served:
        """Descarga la versión (por número: coherente aunque el alias se mueva) y la carga."""
        started = time.perf_counter()
        client = MlflowClient(tracking_uri=self.tracking_uri)
        try:
            source = client.get_model_version_download_uri(self.model_name, version)
            with tempfile.TemporaryDirectory() as tmp:
                path = mlflow.artifacts.download_artifacts(
                    artifact_uri=source, dst_path=tmp, tracking_uri=self.tracking_uri
                )
                model = self.load_from_path(path)
        except Exception as error:
            detail = f"{type(error).__name__}: {str(error)[:200]}"
            raise ReloadError(503, f"no se pudo cargar {self.uri} v{version}: {detail}") from None
        elapsed = time.perf_counter() - started
        return Served(model, self.model_name, version, run_id, elapsed)

    @property
    def version(self) -> str | None:
        return self.current.version if self.current else None

    def info(self) -> dict:
        """Qué se sirve y cómo le fue a la última recarga (para /ready o un endpoint de estado)."""
        served = self.current
        return {
            "model_name": self.model_name,
            "alias": self.alias,
            "version": self.version,
            "run_id": served.run_id if served else None,
            "load_seconds": round(served.load_seconds, 3) if served else None,
            "reloads": self.reloads,
            "last_error": self.last_error,
        }

    # --------------------------------------------------------------- sondeo en segundo plano
    def start(self) -> ChampionWatcher:
        """Primera carga (sin modelo igual arranca) y un hilo que sondea cada `interval_s`."""
        self._refresh_quietly()
        if self.interval_s > 0:
            self._stop.clear()
            self._thread = threading.Thread(target=self._watch, name="champion", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _watch(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._refresh_quietly()

    def _refresh_quietly(self) -> None:
        # Si falla, el motivo ya quedó en last_error y en el log; se reintenta en la próxima vuelta.
        with contextlib.suppress(ReloadError):
            self.refresh()
