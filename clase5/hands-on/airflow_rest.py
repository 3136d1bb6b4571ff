"""Disparar un DAG y observar su corrida con la API REST de Airflow 3 (`/api/v2`).

Lo mismo que hace la interfaz web, desde código: crear una corrida (*DAG run*) con parámetros,
esperar a que el scheduler la termine y leer el estado, los intentos y la duración de cada
instancia de tarea (*task instance*), y lo que devolvió cada una (XCom).

Autenticación: Airflow 3 protege la API con un JWT que entrega `/auth/token`. En el stack del
curso (`SIMPLE_AUTH_MANAGER_ALL_ADMINS=True`, solo desarrollo) `GET /auth/token` lo entrega sin
credenciales; en un Airflow real se pide con `POST /auth/token` y usuario y contraseña.

    api = AirflowRest("http://localhost:8080")
    run_id = api.trigger("clase5_lake_pipeline", {"days": 5})
    run = api.wait("clase5_lake_pipeline", run_id)          # {"state": "success", ...}
    api.task_instances("clase5_lake_pipeline", run_id)     # [{"task_id", "state", ...}, ...]
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

FINISHED = {"success", "failed"}


class AirflowRest:
    """Cliente mínimo de la API REST de Airflow 3 para disparar y observar corridas."""

    def __init__(self, base_url: str = "http://localhost:8080", timeout: float = 30.0):
        self.http = httpx.Client(base_url=base_url, timeout=timeout)
        token = self.http.get("/auth/token").raise_for_status().json()["access_token"]
        self.http.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **params) -> dict:
        return self.http.get(f"/api/v2{path}", params=params).raise_for_status().json()

    def health(self) -> dict:
        """Estado de los componentes: base de metadatos, scheduler, triggerer, dag-processor."""
        return self.get("/monitor/health")

    def wait_for_dag(self, dag_id: str, timeout: float = 360.0) -> dict:
        """Espera a que el dag-processor registre el DAG (un archivo nuevo tarda en aparecer)."""
        deadline = time.monotonic() + timeout
        while (response := self.http.get(f"/api/v2/dags/{dag_id}")).status_code == 404:
            if time.monotonic() > deadline:
                raise TimeoutError(f"Airflow no registró el DAG {dag_id} en {timeout:.0f} s")
            time.sleep(2)
        return response.raise_for_status().json()

    def unpause(self, dag_id: str) -> None:
        """Un DAG pausado no corre: ni por horario, ni por datos, ni disparado a mano."""
        response = self.http.patch(f"/api/v2/dags/{dag_id}", json={"is_paused": False})
        response.raise_for_status()

    def trigger(self, dag_id: str, conf: dict) -> str:
        """Crea una corrida manual con `conf` como parámetros; devuelve su `dag_run_id`."""
        body = {"logical_date": None, "conf": conf}
        response = self.http.post(f"/api/v2/dags/{dag_id}/dagRuns", json=body)
        return response.raise_for_status().json()["dag_run_id"]

    def run(self, dag_id: str, run_id: str) -> dict:
        return self.get(f"/dags/{dag_id}/dagRuns/{run_id}")

    def runs(self, dag_id: str, **params) -> list[dict]:
        """Corridas del DAG (filtros de la API: `state`, `order_by`, `limit`...)."""
        return self.get(f"/dags/{dag_id}/dagRuns", **params)["dag_runs"]

    def wait(
        self,
        dag_id: str,
        run_id: str,
        timeout: float = 600.0,
        poll_s: float = 1.0,
        on_change: Callable[[dict], None] | None = None,
    ) -> dict:
        """Espera a que la corrida termine y la devuelve; `on_change` ve cada cambio de estado."""
        deadline, last = time.monotonic() + timeout, None
        while True:
            run = self.run(dag_id, run_id)
            if run["state"] != last and on_change is not None:
                on_change(run)
            last = run["state"]
            if last in FINISHED:
                return run
            if time.monotonic() > deadline:
                raise TimeoutError(f"la corrida {run_id} sigue en '{last}' tras {timeout:.0f} s")
            time.sleep(poll_s)

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        """Las instancias de tarea de la corrida (una por tarea y por elemento mapeado)."""
        path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances"
        instances = self.get(path, limit=100)["task_instances"]
        return sorted(instances, key=lambda t: (t["start_date"] or "9999", t["map_index"]))

    def xcom(self, dag_id: str, run_id: str, task_id: str):
        """Lo que devolvió una tarea (su XCom `return_value`)."""
        path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/xcomEntries/return_value"
        return self.get(path, deserialize=True)["value"]

    def asset_events(self, **params) -> list[dict]:
        """Eventos de *assets* (filtros: `source_dag_id`, `source_run_id`, `asset_id`...)."""
        return self.get("/assets/events", **params)["asset_events"]

    def close(self) -> None:
        self.http.close()
