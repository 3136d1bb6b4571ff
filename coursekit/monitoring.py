"""Prometheus del stack desde un notebook: registrar un servicio para que lo raspe y consultarlo.

Los servicios del curso corren en puertos libres que elige cada notebook, así que no figuran en
`stack/prometheus/prometheus.yml`: Prometheus vigila la carpeta `.stack/prometheus/targets/`
(`file_sd_configs`) y raspa lo que haya allí. Este módulo escribe y borra esos archivos y envuelve
la API HTTP de Prometheus (https://prometheus.io/docs/prometheus/latest/querying/api/) con
errores claros. Solo usa la biblioteca estándar.

    from coursekit import monitoring
    monitoring.register_target("iris_api", server.url)   # Prometheus lo raspa cada 2 s
    monitoring.wait_for_target_up("iris_api", server.url)
    monitoring.query('sum(rate(http_requests_total[30s]))')
    monitoring.unregister_target("iris_api", server.url)

Si Prometheus corre en un contenedor (docker compose), no alcanza a `127.0.0.1` del host:
exportar `PROMETHEUS_TARGET_HOST=host.docker.internal` antes de abrir el notebook.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from coursekit import stack

# Los jobs de stack/prometheus/prometheus.yml que descubren sus blancos en la carpeta.
JOBS = ("iris_api", "fraud_consumer", "project_api")
TARGETS_DIR = Path(__file__).resolve().parents[1] / ".stack" / "prometheus" / "targets"
ALERT_STATES = ("inactive", "pending", "firing")


class PrometheusError(RuntimeError):
    """Prometheus no responde o rechazó la consulta (el mensaje dice por qué y qué hacer)."""


@dataclass(frozen=True)
class Sample:
    """Un valor de una consulta instantánea: las etiquetas de la serie y su valor."""

    labels: dict[str, str]
    value: float


@dataclass(frozen=True)
class Series:
    """Una serie de `query_range`: tiempos Unix (s) y valores, alineados."""

    labels: dict[str, str]
    times: list[float]
    values: list[float]


def prometheus_url() -> str:
    """La URL base de Prometheus (`PROMETHEUS_URL`, por defecto http://localhost:9090)."""
    return stack.env("PROMETHEUS_URL").rstrip("/")


def target_address(url: str) -> str:
    """`host:puerto` con el que Prometheus alcanza el servicio de `url` (la etiqueta `instance`)."""
    port = urllib.parse.urlsplit(url).port
    if port is None:
        raise ValueError(f"La URL {url!r} no tiene puerto: se espera http://host:puerto")
    return f"{stack.env('PROMETHEUS_TARGET_HOST')}:{port}"


def target_file(job: str, url: str, directory: Path | None = None) -> Path:
    if job not in JOBS:
        raise ValueError(
            f"Prometheus no tiene el job {job!r}; los de stack/prometheus/prometheus.yml son: "
            f"{', '.join(JOBS)}."
        )
    port = target_address(url).rpartition(":")[2]
    return (directory or TARGETS_DIR) / f"{job}--{port}.json"


def register_target(
    job: str, url: str, *, labels: Mapping[str, str] | None = None, directory: Path | None = None
) -> Path:
    """Pide a Prometheus que raspe `url` (su `/metrics`, o la ruta que traiga) como `job`.

    Escribe el archivo de forma atómica (uno temporal y `os.replace`): Prometheus nunca lee un
    JSON a medio escribir. Devuelve la ruta del archivo.
    """
    parts = urllib.parse.urlsplit(url)
    group_labels = dict(labels or {})
    if parts.path not in ("", "/"):
        group_labels["__metrics_path__"] = parts.path
    if parts.scheme == "https":
        group_labels["__scheme__"] = "https"
    path = target_file(job, url, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    groups = [{"targets": [target_address(url)], "labels": group_labels}]
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    with os.fdopen(fd, "w") as out:
        json.dump(groups, out, indent=2)
    os.chmod(tmp, 0o644)  # en compose, Prometheus lee con otro usuario
    os.replace(tmp, path)
    return path


def unregister_target(job: str, url: str, *, directory: Path | None = None) -> bool:
    """Deja de raspar `url`; False si no estaba registrado."""
    path = target_file(job, url, directory)
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def api_get(path: str, params: Mapping[str, str] | None = None, timeout: float = 10.0):
    """GET a la API de Prometheus; devuelve el campo `data` o lanza PrometheusError."""
    url = f"{prometheus_url()}{path}?{urllib.parse.urlencode(params or {})}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = json.load(response)
    except urllib.error.HTTPError as error:
        try:
            body = json.load(error)
        except ValueError:
            body = {"errorType": f"HTTP {error.code}", "error": error.reason}
        raise PrometheusError(
            f"Prometheus rechazó {path} {dict(params or {})}: "
            f"{body.get('error')} ({body.get('errorType')})"
        ) from None
    except (urllib.error.URLError, OSError) as error:
        raise PrometheusError(
            f"Prometheus no responde en {prometheus_url()} "
            f"({getattr(error, 'reason', error)}). Levantarlo con `make stack-up` (o "
            "`docker compose --profile monitoring up -d`) y verificar con `make stack-status`."
        ) from None
    return body["data"]


def query(promql: str, *, at: float | None = None) -> list[Sample]:
    """Consulta instantánea (ahora, o en el tiempo Unix `at`): un `Sample` por serie."""
    params = {"query": promql} | ({"time": str(at)} if at is not None else {})
    data = api_get("/api/v1/query", params)
    if data["resultType"] == "scalar":
        return [Sample(labels={}, value=float(data["result"][1]))]
    return [Sample(labels=r["metric"], value=float(r["value"][1])) for r in data["result"]]


def query_range(promql: str, *, start: float, end: float, step: float = 2.0) -> list[Series]:
    """Consulta de rango: cada serie evaluada de `start` a `end` (tiempos Unix) cada `step` s."""
    params = {"query": promql, "start": str(start), "end": str(end), "step": str(step)}
    data = api_get("/api/v1/query_range", params)
    return [
        Series(
            labels=r["metric"],
            times=[float(t) for t, _ in r["values"]],
            values=[float(v) for _, v in r["values"]],
        )
        for r in data["result"]
    ]


def alert_state(name: str, **labels: str) -> str:
    """Estado de la alerta `name`: "inactive", "pending" o "firing". Con `labels` (por ejemplo
    `job="iris_api"`), el de la instancia de la alerta que tiene esas etiquetas."""
    groups = api_get("/api/v1/rules", {"type": "alert"})["groups"]
    rules = [rule for group in groups for rule in group["rules"] if rule["name"] == name]
    if not rules:
        raise PrometheusError(f"Prometheus no tiene una alerta {name!r} (ver stack/prometheus).")
    states = [
        alert["state"]
        for rule in rules
        for alert in rule.get("alerts", [])
        if labels.items() <= alert["labels"].items()
    ]
    return max(states, key=ALERT_STATES.index, default="inactive")


def wait_for_target_up(job: str, url: str, *, timeout: float = 30.0) -> None:
    """Espera a que Prometheus descubra `url` y su último scrape salga bien."""
    instance = target_address(url)
    deadline = time.monotonic() + timeout
    last = "Prometheus todavía no lo descubrió"
    while time.monotonic() < deadline:
        for target in api_get("/api/v1/targets", {"state": "active"})["activeTargets"]:
            if target["labels"].get("job") == job and target["labels"].get("instance") == instance:
                if target["health"] == "up":
                    return
                last = f"estado {target['health']!r}, error: {target['lastError'] or '-'}"
        time.sleep(0.5)
    raise TimeoutError(
        f"Prometheus no raspó {instance} (job {job}) en {timeout:.0f} s: {last}. ¿Se registró con "
        f"register_target? Si Prometheus corre en docker compose, exportar "
        "PROMETHEUS_TARGET_HOST=host.docker.internal y hacer que el servicio escuche en 0.0.0.0."
    )
