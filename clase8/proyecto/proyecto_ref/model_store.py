"""El modelo que se sirve: el campeón de MLflow, recargado cuando el alias cambia de versión.

La API y el consumidor de Kafka usan esta misma clase, así que siempre predicen con el mismo
modelo. La recarga es por sondeo: cada ``reload_interval_s`` segundos se pregunta a MLflow qué
versión tiene el alias (una llamada liviana) y solo si cambió se descarga el artefacto nuevo. El
cambio es atómico: una predicción en curso termina con el modelo viejo y la siguiente usa el nuevo.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import mlflow
import mlflow.sklearn
import pandas as pd
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from proyecto_ref import data
from proyecto_ref.config import Settings

log = logging.getLogger("proyecto_ref.model_store")


@dataclass(frozen=True)
class LoadedModel:
    name: str
    version: str
    run_id: str
    model: object

    def predict(self, rows: pd.DataFrame) -> list[dict]:
        proba = self.model.predict_proba(rows[list(data.FEATURES)])[:, 1]
        return [
            {
                "abandona": bool(p >= 0.5),
                "probabilidad": round(float(p), 4),
                "version": self.version,
            }
            for p in proba
        ]


class ChampionStore:
    """Guarda el campeón cargado y lo reemplaza cuando MLflow anuncia otra versión."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.client = MlflowClient(settings.mlflow_tracking_uri)
        self._current: LoadedModel | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None

    @property
    def current(self) -> LoadedModel | None:
        return self._current

    def refresh(self) -> bool:
        """Consulta el alias; si apunta a otra versión, la carga. True si cambió el modelo."""
        s = self.settings
        try:
            mv = self.client.get_model_version_by_alias(s.model_name, s.champion_alias)
        except MlflowException as error:
            self.last_error = f"no hay campeón para {s.model_name}: {error.message}"
            return False
        if self._current is not None and self._current.version == str(mv.version):
            return False
        mlflow.set_tracking_uri(s.mlflow_tracking_uri)
        model = mlflow.sklearn.load_model(f"models:/{s.model_name}/{mv.version}")
        loaded = LoadedModel(s.model_name, str(mv.version), mv.run_id, model)
        with self._lock:
            previous, self._current = self._current, loaded
        self.last_error = None
        log.info(
            "campeón cargado: %s versión %s (antes: %s)",
            s.model_name,
            loaded.version,
            previous.version if previous else "ninguna",
        )
        return True

    def start(self) -> ChampionStore:
        """Primera carga y un hilo que vuelve a consultar cada `reload_interval_s` segundos."""
        self._safe_refresh()
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name="champion-watch", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _watch(self) -> None:
        while not self._stop.wait(self.settings.reload_interval_s):
            self._safe_refresh()

    def _safe_refresh(self) -> None:
        try:
            self.refresh()
        except Exception as error:  # MLflow caído: se sigue sirviendo el modelo que ya estaba
            self.last_error = f"{type(error).__name__}: {error}"
            log.warning("no se pudo consultar el campeón: %s", self.last_error)
