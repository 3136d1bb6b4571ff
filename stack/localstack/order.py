"""Orden de arranque, derivado de las dependencias que declara cada servicio.

La única declaración de dependencias es `depends_on` en la tabla de `coursekit/stack.py` (la que
también comprueban docker compose y sus pruebas). De ahí sale un orden topológico por "olas":
cada ola arranca a la vez todo lo que ya tiene sus dependencias listas; `down` usa el inverso.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from graphlib import CycleError, TopologicalSorter

from coursekit import stack as table

from .tools import StackError

Graph = Mapping[str, Iterable[str]]  # servicio → servicios que necesita levantados antes


def dependency_graph() -> dict[str, tuple[str, ...]]:
    """El grafo de la tabla de servicios, en el orden de la tabla."""
    return {name: service.depends_on for name, service in table.SERVICES.items()}


def with_dependencies(names: Iterable[str], graph: Graph) -> set[str]:
    """Los servicios pedidos y, transitivamente, todo lo que necesitan."""
    wanted: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in graph:
            raise StackError(f"Servicio desconocido: {name}. Son: {', '.join(graph)}")
        if name not in wanted:
            wanted.add(name)
            pending.extend(graph[name])
    return wanted


def waves(names: Iterable[str] = (), graph: Graph | None = None) -> list[list[str]]:
    """Grupos de servicios que pueden arrancar a la vez, las dependencias primero.

    Sin `names`, todos los servicios del grafo. Dentro de cada ola se respeta el orden del grafo,
    así la salida no cambia de una corrida a otra.
    """
    graph = dependency_graph() if graph is None else graph
    selected = with_dependencies(list(names) or list(graph), graph)
    sorter = TopologicalSorter({name: tuple(graph[name]) for name in selected})
    try:
        sorter.prepare()
    except CycleError as error:
        cycle = " → ".join(error.args[1])
        raise StackError(f"Dependencias circulares entre servicios: {cycle}") from None
    position = {name: index for index, name in enumerate(graph)}
    result = []
    while sorter.is_active():
        wave = sorted(sorter.get_ready(), key=position.__getitem__)
        result.append(wave)
        sorter.done(*wave)
    return result


def start_order(graph: Graph | None = None) -> list[str]:
    """Todos los servicios en orden de arranque."""
    return [name for wave in waves(graph=graph) for name in wave]


def stop_order(graph: Graph | None = None) -> list[str]:
    """Todos los servicios en orden de parada: primero lo que depende de otros."""
    return start_order(graph)[::-1]
