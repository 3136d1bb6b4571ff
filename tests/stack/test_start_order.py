"""El orden de arranque del stack local sale de las dependencias de la tabla (una sola fuente)."""

from __future__ import annotations

import pytest

from coursekit import stack
from stack.localstack import order
from stack.localstack.registry import LOCAL
from stack.localstack.tools import StackError


def test_every_table_service_has_one_local_declaration():
    assert list(LOCAL) != [] and set(LOCAL) == set(stack.SERVICES)
    assert all(name == service.name for name, service in LOCAL.items())


def test_waves_start_dependencies_first_and_each_service_once():
    waves = order.waves()
    flat = [name for wave in waves for name in wave]
    assert sorted(flat) == sorted(stack.SERVICES)
    wave_of = {name: index for index, wave in enumerate(waves) for name in wave}
    for name, service in stack.SERVICES.items():
        assert all(wave_of[dep] < wave_of[name] for dep in service.depends_on), name


def test_waves_of_the_course_table():
    assert order.waves() == [
        ["kafka", "redis", "postgres", "minio", "prometheus"],
        ["mlflow"],
        ["airflow"],
    ]


def test_selected_services_bring_their_dependencies():
    assert order.waves(["kafka", "redis"]) == [["kafka", "redis"]]
    assert order.waves(["mlflow"]) == [["postgres", "minio"], ["mlflow"]]
    assert order.waves(["airflow"]) == [["postgres", "minio"], ["mlflow"], ["airflow"]]
    assert order.waves(["prometheus"]) == [["prometheus"]]  # arranca solo: no depende de nada


def test_stop_order_is_the_reverse_of_start_order():
    assert order.stop_order() == order.start_order()[::-1]
    assert order.stop_order()[0] == "airflow"


def test_order_follows_an_injected_graph():
    graph = {"web": ["db", "cache"], "db": [], "cache": [], "worker": ["web"]}
    assert order.waves(graph=graph) == [["db", "cache"], ["web"], ["worker"]]
    assert order.waves(["web"], graph=graph) == [["db", "cache"], ["web"]]


def test_unknown_service_lists_the_known_ones():
    with pytest.raises(StackError, match="Servicio desconocido: zookeeper. Son: kafka, redis"):
        order.waves(["zookeeper"])


def test_dependency_cycle_is_reported():
    with pytest.raises(StackError, match="Dependencias circulares entre servicios: "):
        order.waves(graph={"a": ["b"], "b": ["a"]})
