"""Cliente mínimo de la API REST de Airflow 3 (``/api/v2``): disparar el DAG y esperar su fin.

Airflow 3 autentica la API con un JWT que entrega ``/auth/token``. En el stack del curso
(``SIMPLE_AUTH_MANAGER_ALL_ADMINS=True``, solo desarrollo) ``GET /auth/token`` lo entrega sin
credenciales; en un Airflow real se hace ``POST /auth/token`` con usuario y contraseña.

    python -m proyecto_ref trigger --batch improved     # dispara y espera (ver cli.py)
"""

from __future__ import annotations

import time

import httpx

DAG_ID = "clase8_proyecto"
FINISHED = {"success", "failed"}


class AirflowClient:
    def __init__(self, base_url: str = "http://localhost:8080", timeout: float = 30.0):
        self.http = httpx.Client(base_url=base_url, timeout=timeout)
        token = self.http.get("/auth/token").raise_for_status().json()["access_token"]
        self.http.headers["Authorization"] = f"Bearer {token}"

    def wait_for_dag(self, dag_id: str, timeout: float = 120.0) -> dict:
        """Espera a que el dag-processor haya registrado el DAG (un DAG nuevo tarda en aparecer)."""
        deadline = time.monotonic() + timeout
        while (response := self.http.get(f"/api/v2/dags/{dag_id}")).status_code == 404:
            if time.monotonic() > deadline:
                raise TimeoutError(f"Airflow no registró el DAG {dag_id} en {timeout:.0f} s")
            time.sleep(2)
        return response.raise_for_status().json()

    def wait_idle(self, dag_id: str, timeout: float = 600.0) -> None:
        """Espera a que el DAG no tenga corridas en cola ni en curso (p. ej. de una ejecución
        anterior interrumpida, que si no terminaría registrando modelos a destiempo)."""
        deadline = time.monotonic() + timeout
        while self.active_runs(dag_id):
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"el DAG {dag_id} sigue con corridas en curso tras {timeout:.0f} s"
                )
            time.sleep(2)

    def active_runs(self, dag_id: str) -> int:
        """Cuántas corridas del DAG están en cola o en curso."""
        params = {"state": ["queued", "running"]}
        runs = self.http.get(f"/api/v2/dags/{dag_id}/dagRuns", params=params)
        return runs.raise_for_status().json()["total_entries"]

    def unpause(self, dag_id: str) -> None:
        self.http.patch(f"/api/v2/dags/{dag_id}", json={"is_paused": False}).raise_for_status()

    def trigger(self, dag_id: str, conf: dict) -> str:
        """Crea una corrida manual con `conf` como parámetros; devuelve su dag_run_id."""
        response = self.http.post(
            f"/api/v2/dags/{dag_id}/dagRuns", json={"logical_date": None, "conf": conf}
        )
        return response.raise_for_status().json()["dag_run_id"]

    def state(self, dag_id: str, run_id: str) -> str:
        """Estado de la corrida: queued, running, success o failed."""
        run = self.http.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")
        return run.raise_for_status().json()["state"]

    def wait(self, dag_id: str, run_id: str, timeout: float = 300.0, poll_s: float = 1.0) -> str:
        """Espera a que la corrida termine; devuelve su estado final (success o failed)."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.state(dag_id, run_id)
            if state in FINISHED:
                return state
            if time.monotonic() > deadline:
                raise TimeoutError(f"la corrida {run_id} sigue en '{state}' tras {timeout:.0f} s")
            time.sleep(poll_s)

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        """Las tareas de la corrida en orden de inicio: estado, ``start_date``, ``end_date``..."""
        url = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances"
        instances = self.http.get(url).raise_for_status().json()["task_instances"]
        return sorted(instances, key=lambda t: t["start_date"] or "9999")

    def task_states(self, dag_id: str, run_id: str) -> dict[str, str]:
        return {t["task_id"]: t["state"] for t in self.task_instances(dag_id, run_id)}

    def xcom(self, dag_id: str, run_id: str, task_id: str):
        """Valor que devolvió una tarea (su XCom `return_value`)."""
        run = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}"
        url = f"{run}/taskInstances/{task_id}/xcomEntries/return_value"
        return self.http.get(url, params={"deserialize": True}).raise_for_status().json()["value"]

    def close(self) -> None:
        self.http.close()
