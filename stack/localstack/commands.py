"""Los comandos `up`, `down` y `env` del stack local (`status` está en status.py)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Mapping, Sequence

from coursekit import stack as table

from . import order, processes, supervisor
from .airflow import link_dag_folders
from .layout import Layout
from .registry import LOCAL
from .service import LocalService
from .tools import port_open, say


def launch(layout: Layout, service: LocalService) -> subprocess.Popen | None:
    """Lanza `service` si no corre; sus puertos (los de la tabla) deben estar libres."""
    return supervisor.launch(layout, service, ports=table.SERVICES[service.name].ports.values())


def up(layout: Layout, names: list[str], *, services: Mapping[str, LocalService] = LOCAL) -> int:
    """Levanta los servicios pedidos (o todos) y sus dependencias; lo que ya corre no se toca."""
    layout.make_dirs()
    began = time.monotonic()
    groups = order.waves(names)
    selected = [name for wave in groups for name in wave]
    say(
        f"Stack local: {', '.join(selected)} "
        f"(estado en {layout.rel(layout.state)}, caché en {layout.cache})"
    )
    for name in selected:  # lo lento (descargas, compilación) primero: solo la primera vez
        if services[name].prepare and not processes.alive(layout, name):
            services[name].prepare(layout)
    for wave in groups:  # cada ola arranca a la vez; la siguiente espera a que esté sana
        launched = [(name, launch(layout, services[name]), time.monotonic()) for name in wave]
        for name, proc, started in launched:
            if proc is not None:
                supervisor.wait_ready(layout, services[name], proc, started)
    if "airflow" in selected:  # carpetas de DAG nuevas aunque Airflow ya estuviera corriendo
        link_dag_folders(layout)
    say(f"Stack listo en {time.monotonic() - began:.1f} s. Verificar con `make stack-status`.")
    return 0


def down(
    layout: Layout, names: Sequence[str] = (), *, services: Mapping[str, LocalService] = LOCAL
) -> int:
    """Detiene (por grupo de procesos) lo que levantó, o solo los servicios `names` (sin tocar
    sus dependencias ni lo que depende de ellos), y verifica que no quede escuchando."""
    if names:
        order.with_dependencies(names, order.dependency_graph())  # nombre desconocido: error
    selected = [name for name in order.stop_order() if not names or name in names]
    running = [name for name in selected if processes.read_pid(layout, name)]
    if not running:
        say("Stack local: no hay nada corriendo que haya levantado este script.")
    for name in running:
        say(f"- {name}: deteniendo")
        supervisor.stop(layout, name, services[name].stop_signal)
    ports = [port for name in selected for port in table.SERVICES[name].ports.values()]
    deadline = time.monotonic() + 15
    still = [port for port in ports if port_open(port)]
    while still and time.monotonic() < deadline:
        time.sleep(0.3)
        still = [port for port in still if port_open(port)]
    if still and running:
        say(f"Atención: siguen escuchando los puertos {still} (¿procesos ajenos al stack local?).")
        return 1
    if running:
        say(f"Detenido: {', '.join(running)}." if names else "Stack local detenido.")
    return 0


def env() -> int:
    """Imprime las variables del stack como `export VAR=valor`."""
    for var, value in table.environment().items():
        say(f"export {var}={value}")
    return 0
