"""Prometheus 3: el servidor y `promtool`, compilados con `go install` desde el proxy de módulos.

El código de Prometheus está en el proxy de módulos de Go: el módulo
`github.com/prometheus/prometheus` numera la serie 3.x como v0.3XX.Y (v0.316.0 es Prometheus
3.16.0). Los dos programas se compilan una sola vez en el caché, con la etiqueta
`remove_all_sd`: sin los descubrimientos de servicios de nubes y orquestadores (AWS, Kubernetes,
Consul...), que el curso no usa; quedan `static_configs`, `file_sd_configs` y `http_sd_configs`.
Así la compilación usa un tercio del tiempo de CPU y el binario pesa la mitad. Compilado así no
trae embebida la interfaz web (requiere la etiqueta `builtinassets` y archivos que se generan con
npm y que el módulo no incluye): el curso usa su API HTTP, que sí está.

Los blancos (*targets*) no están en la configuración: los servicios del curso corren en
puertos libres que elige cada notebook. Prometheus vigila la carpeta `.stack/prometheus/targets/`
(`file_sd_configs`), donde `coursekit.monitoring.register_target` deja un JSON por servicio;
al arrancar, Prometheus empieza con la carpeta vacía.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from coursekit import stack as table

from .layout import Layout
from .service import LocalService
from .supervisor import spawn
from .tools import http_ok, need_tool, run, say

PROMETHEUS_MODULE = "github.com/prometheus/prometheus"
PROMETHEUS_VERSION = "v0.316.0"  # el módulo de Go de Prometheus 3.16.0
PROMETHEUS_RELEASE = "3.16.0"  # la de la imagen de docker-compose.yml
TOOLS = ("prometheus", "promtool")
BUILD_TAGS = "remove_all_sd"
# -s -w: sin tabla de símbolos ni DWARF (binario más pequeño); -X: la versión que informan
# `prometheus --version` y /api/v1/status/buildinfo (go install no la completa sola).
LDFLAGS = f"-s -w -X github.com/prometheus/common/version.Version={PROMETHEUS_RELEASE}"
RETENTION = "2d"  # datos de un par de días: alcanza para las clases y no llena el disco


def binary(cache: Path, tool: str) -> Path:
    """Dónde queda `tool` ("prometheus" o "promtool") compilado, dentro del caché."""
    return cache / "prometheus" / PROMETHEUS_VERSION / tool


def build(cache: Path, tool: str) -> Path:
    """Compila `tool` con `go install` si no está en el caché; devuelve su ruta."""
    path = binary(cache, tool)
    if path.exists():
        return path
    go = need_tool("go", "Instalar Go (>= 1.26.7, lo pide Prometheus 3.16) para compilarlo.")
    package = f"{PROMETHEUS_MODULE}/cmd/{tool}@{PROMETHEUS_VERSION}"
    say(f"  prometheus: compilando {package} con `go install`")
    say("              (solo la primera vez: tarda unos minutos)")
    env = {**os.environ, "GOBIN": str(path.parent), "CGO_ENABLED": "0"}
    argv = [go, "install", f"-tags={BUILD_TAGS}", f"-ldflags={LDFLAGS}", package]
    run(argv, f"la compilación de {tool}", env=env)
    return path


def prepare(layout: Layout) -> None:
    """El servidor y promtool (las pruebas de las reglas lo usan)."""
    for tool in TOOLS:
        build(layout.cache, tool)


def link(path: Path, target: Path) -> None:
    """`path` → `target` como enlace simbólico (rehecho si apuntaba a otro lado)."""
    if path.is_symlink() and path.readlink() == target:
        return
    path.unlink(missing_ok=True)
    path.symlink_to(target)


def state_folder(layout: Layout) -> Path:
    """`.stack/prometheus/`: la configuración y las reglas (enlaces a `stack/prometheus/`), la
    carpeta `targets/` que vigila y sus datos en `data/`. Prometheus resuelve las rutas relativas
    de su configuración desde la carpeta del archivo: las mismas que en docker compose."""
    folder = layout.state / "prometheus"
    (folder / "targets").mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    config = layout.config / "prometheus"
    link(folder / "prometheus.yml", config / "prometheus.yml")
    link(folder / "rules", config / "rules")
    return folder


def forget_old_targets(folder: Path) -> None:
    """Los blancos de una sesión anterior apuntan a puertos que ya no existen (un notebook que
    falló antes de su celda de cierre no borra el suyo): Prometheus arranca sin ninguno."""
    for path in (folder / "targets").glob("*.json"):
        path.unlink()


def start(layout: Layout) -> subprocess.Popen:
    folder = state_folder(layout)
    forget_old_targets(folder)
    argv = [str(build(layout.cache, "prometheus"))]
    argv += [f"--config.file={folder / 'prometheus.yml'}"]
    argv += [f"--storage.tsdb.path={folder / 'data'}"]
    argv += [f"--storage.tsdb.retention.time={RETENTION}"]
    argv += [f"--web.listen-address=127.0.0.1:{table.address('prometheus')[1]}"]
    argv += ["--web.enable-lifecycle"]  # POST /-/reload relee configuración y reglas
    return spawn(layout, "prometheus", argv, cwd=folder)


def ready(layout: Layout) -> bool:
    return http_ok(f"{table.env('PROMETHEUS_URL')}/-/ready")


SERVICE = LocalService(name="prometheus", start=start, ready=ready, timeout=60, prepare=prepare)
