"""Chequeos de Prometheus: el servidor del stack (si corre, su versión) y `promtool`.

El modo local compila los dos con `go install` en `$MLOPS2_CACHE/prometheus/<versión>/`; las
pruebas de las reglas de alerta usan promtool. `urlopen` y `which` se pueden reemplazar en las
pruebas para simular un servidor o una máquina sin Go.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from pathlib import Path

from .findings import OK, WARN, Finding


def default_cache() -> Path:
    return Path(os.environ.get("MLOPS2_CACHE") or Path.home() / ".cache" / "mlops2")


def check_prometheus_server(url: str, urlopen=urllib.request.urlopen) -> list[Finding]:
    """La versión del Prometheus que responde en `url` (PROMETHEUS_URL), si hay alguno."""
    try:
        with urlopen(url.rstrip("/") + "/api/v1/status/buildinfo", timeout=2) as response:
            version = json.load(response)["data"]["version"]
    except (OSError, ValueError, KeyError):
        return [Finding(OK, "prometheus", f"Prometheus no disponible en {url} (omitido)")]
    return [Finding(OK, "prometheus", f"Prometheus {version} responde en {url}")]


def check_promtool(cache: Path | None = None, which=shutil.which) -> list[Finding]:
    """promtool en el caché del stack local (o en el PATH), o Go para compilarlo."""
    built = sorted((cache or default_cache()).glob("prometheus/*/promtool"))
    if built or which("promtool"):
        where = built[-1] if built else which("promtool")
        return [Finding(OK, "promtool", f"promtool en {where}")]
    if which("go"):
        return [
            Finding(
                OK,
                "promtool",
                "promtool (y Prometheus) se compilarán con `go install` en el primer "
                "`make stack-up` (unos minutos, una sola vez)",
            )
        ]
    return [
        Finding(
            WARN,
            "promtool",
            "Sin Go no hay Prometheus en modo local ni promtool: fallan `make stack-up` y las "
            "pruebas de las reglas de alerta.",
            "Instalar Go ≥ 1.26.7 (https://go.dev/doc/install), o usar Docker "
            "(`docker compose --profile monitoring up -d`).",
        )
    ]
