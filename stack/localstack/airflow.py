"""Airflow 3: `airflow standalone` en su propio entorno virtual (en el caché), sin login.

El entorno se instala con `uv pip sync stack/airflow/requirements.lock` para no mezclar las
dependencias de Airflow con las del libro. `standalone` migra la base (en Postgres) y lanza
api-server, scheduler, dag-processor y triggerer, todos en el mismo grupo de procesos.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from coursekit import stack as table

from .layout import Layout
from .service import LocalService
from .supervisor import spawn
from .tools import http_ok, need_tool, run, say, stack_env

AIRFLOW_VERSION = "3.3.2"
AIRFLOW_DAG_FOLDERS = ("clase5/hands-on/dags", "clase8/hands-on/dags")
# Código que importan esos DAG (paquetes de cada clase): va en el PYTHONPATH de Airflow, como
# en docker-compose.yml; los DAG no tocan sys.path.
AIRFLOW_CODE_FOLDERS = ("clase5/hands-on", "clase8/proyecto")


def venv_path(layout: Layout) -> Path:
    return layout.cache / f"airflow-{AIRFLOW_VERSION}"


def prepare(layout: Layout) -> Path:
    """Entorno propio de Airflow en el caché, instalado desde stack/airflow/requirements.lock
    (se reinstala solo si cambia el lock)."""
    lock = layout.config / "airflow" / "requirements.lock"
    venv = venv_path(layout)
    marker = venv / ".lock-sha256"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if marker.exists() and marker.read_text().strip() == digest:
        return venv
    uv = need_tool("uv", "Instalar uv: `python3 -m pip install uv==0.13.8`.")
    say(f"  airflow: creando su entorno en {venv} (uv pip sync; solo la primera vez)")
    if not (venv / "bin" / "python").exists():
        run([uv, "venv", "-q", "--python", sys.executable, str(venv)], "la creación del venv")
    env = {**os.environ, "VIRTUAL_ENV": str(venv)}
    run([uv, "pip", "sync", "-q", str(lock)], "la instalación de Airflow", env=env)
    marker.write_text(digest + "\n")
    return venv


def airflow_env(layout: Layout) -> dict[str, str]:
    """Entorno de los procesos de Airflow: el del stack más su configuración."""
    home = layout.state / "airflow"
    venv_bin = venv_path(layout) / "bin"
    user, password = table.env("POSTGRES_USER"), table.env("POSTGRES_PASSWORD")
    port = table.env("POSTGRES_PORT")
    return {
        **stack_env(),
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",  # standalone lanza `airflow`
        "AIRFLOW_HOME": str(home),
        "PYTHONPATH": os.pathsep.join(str(layout.root / f) for f in AIRFLOW_CODE_FOLDERS),
        # Carpeta de DAGs: la del stack, salvo que se indique otra (las pruebas lo hacen).
        "AIRFLOW__CORE__DAGS_FOLDER": os.environ.get(
            "AIRFLOW__CORE__DAGS_FOLDER", str(home / "dags")
        ),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "2",  # 2 núcleos: 2 tareas a la vez
        # Un DAG nuevo aparece en 30 s y no en 5 min (el valor por defecto): desarrollo local.
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
        # Desarrollo local: sin login (todos administradores). Nunca en producción.
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": (
            f"postgresql+psycopg2://{user}:{password}@localhost:{port}/airflow"
        ),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(table.SERVICES["airflow"].ports["http"]),
        "AIRFLOW__API__WORKERS": "1",
    }


def link_dag_folders(layout: Layout) -> None:
    """La carpeta de DAGs de Airflow enlaza las de cada clase (como los volúmenes de compose)."""
    dags = layout.state / "airflow" / "dags"
    dags.mkdir(parents=True, exist_ok=True)
    for folder in AIRFLOW_DAG_FOLDERS:
        link = dags / folder.split("/")[0]  # clase5, clase8
        if (layout.root / folder).is_dir() and not link.exists():
            link.symlink_to(layout.root / folder, target_is_directory=True)


def airflow_cli(layout: Layout, *args: str) -> int:
    """`airflow ARGS...` del entorno de Airflow con el entorno del stack; su código de salida."""
    airflow = prepare(layout) / "bin" / "airflow"
    return subprocess.run([str(airflow), *args], env=airflow_env(layout)).returncode


def start(layout: Layout) -> subprocess.Popen:
    airflow = prepare(layout) / "bin" / "airflow"
    link_dag_folders(layout)
    return spawn(layout, "airflow", [str(airflow), "standalone"], env=airflow_env(layout))


def ready(layout: Layout) -> bool:
    port = table.SERVICES["airflow"].ports["http"]
    return http_ok(f"http://localhost:{port}/api/v2/monitor/health")


SERVICE = LocalService(name="airflow", start=start, ready=ready, timeout=300, prepare=prepare)
