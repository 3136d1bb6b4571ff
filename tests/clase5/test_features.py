"""Sin diferencias entre entrenar y servir: para las mismas lecturas, el ETL de features (lo que
ve el modelo al entrenar) y el servicio (lo que ve al predecir) calculan exactamente los mismos
valores. No necesita el stack: el modelo del servicio es uno falso que anota lo que recibe."""

from __future__ import annotations

from datetime import date

import clase5_support  # noqa: F401 - primero: agrega hands-on/ a sys.path
import httpx
import pandas as pd
from lake.etl import curated_to_features
from lake.features import FEATURES, SIGNALS, model_input
from lake.ingest import generate_readings
from lake_service.app import create_app
from lake_service.champion import Served
from lake_service.routes import readings_to_features
from lake_service.schemas import Reading
from lake_service.settings import Settings
from openapi_contract import assert_declared

from coursekit import UvicornThread, free_port

DAY = date(2026, 1, 2)


class RecordingModel:
    """Modelo falso: guarda la tabla que recibe y predice 0."""

    def __init__(self):
        self.seen: list[pd.DataFrame] = []

    def predict(self, frame: pd.DataFrame):
        self.seen.append(frame.copy())
        return [0] * len(frame)


def training_features(readings: pd.DataFrame) -> pd.DataFrame:
    """Lo que escribe el ETL en la zona features (y lee el entrenamiento), para esas lecturas."""
    curated = readings.assign(fecha=DAY.isoformat(), ts=pd.to_datetime(readings["ts"]))
    return curated_to_features(curated)[FEATURES].reset_index(drop=True)


def test_training_and_serving_compute_identical_features():
    readings = generate_readings(DAY, n=50)
    served = readings_to_features([Reading(**row) for row in readings[SIGNALS].to_dict("records")])
    pd.testing.assert_frame_equal(served, training_features(readings), check_exact=True)


def test_the_http_service_feeds_the_model_the_training_features(monkeypatch):
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    readings = generate_readings(DAY, n=20)
    model = RecordingModel()
    # Sin MLflow: la primera carga falla enseguida y se pone un modelo falso como campeón.
    app = create_app(Settings(tracking_uri=f"http://127.0.0.1:{free_port()}", poll_s=0))
    body = {"instances": readings[SIGNALS].to_dict("records")}
    with UvicornThread(app).start(health_path="/health") as server:
        app.state.champion.current = Served(model, "clase5-fallas", "7", "run", 0.0)
        response = httpx.post(server.url + "/predict", json=body, timeout=10)
    assert response.status_code == 200 and response.json()["model_version"] == "7"
    assert_declared(app.openapi(), response)
    pd.testing.assert_frame_equal(model.seen[0], training_features(readings), check_exact=True)


def test_stress_is_rounded_once_for_everyone():
    reading = {"temperature": 70.0, "vibration": 3.333, "pressure": 30.0, "hours": 1.7}
    frame = pd.DataFrame([reading])
    assert model_input(frame)["stress"].tolist() == [0.0057]  # 3.333 × 1.7 / 1000 = 0.0056661
    assert list(model_input(frame).columns) == FEATURES
