"""Administración de la cola: temas de Kafka y grupos de Redis Streams, creados idempotentemente.

python -m fraud_stream topics --bootstrap localhost:9092 clase4-transactions:3 clase4-results:1
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence

from kafka import KafkaAdminClient
from kafka.errors import TopicAlreadyExistsError, UnknownTopicOrPartitionError


def ensure_topics(admin: KafkaAdminClient, topics: dict[str, int]) -> dict[str, str]:
    """Crea cada tema {nombre: particiones} si no existe. Devuelve qué pasó con cada uno."""
    outcome = {}
    for name, partitions in topics.items():
        try:
            admin.create_topics(
                {name: {"num_partitions": partitions, "replication_factor": 1}},
                wait_for_metadata=True,
            )
            outcome[name] = "creado"
        except TopicAlreadyExistsError:  # idempotente: que ya exista no es un error
            outcome[name] = "ya existía"
    return outcome


def delete_topics(admin: KafkaAdminClient, names: list[str], timeout_s: float = 30.0) -> None:
    """Borra los temas y ESPERA a que desaparezcan: el borrado en Kafka es asíncrono."""
    existing = [n for n in names if n in admin.list_topics()]
    for name in existing:
        with contextlib.suppress(UnknownTopicOrPartitionError):  # otro ya lo borró
            admin.delete_topics([name])
    deadline = time.monotonic() + timeout_s
    while set(existing) & set(admin.list_topics()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"Kafka no terminó de borrar {existing} en {timeout_s:.0f} s")
        time.sleep(0.1)


def delete_groups(admin: KafkaAdminClient, groups: Sequence[str], timeout_s: float = 30.0) -> None:
    """Borra grupos de consumidores; un grupo con miembros vivos no se puede borrar, así que se
    espera a que expiren sus sesiones."""
    deadline = time.monotonic() + timeout_s
    while "NonEmptyGroupError" in admin.delete_groups(list(groups)).values():
        if time.monotonic() > deadline:
            raise TimeoutError(f"los grupos {list(groups)} siguen con miembros activos")
        time.sleep(0.5)


def reset_topics(
    admin: KafkaAdminClient, topics: dict[str, int], groups: Sequence[str] = ()
) -> None:
    """Empieza de cero: borra temas y grupos de consumidores y vuelve a crear los temas.

    Así cada corrida de un notebook ve exactamente los mismos mensajes y offsets.
    """
    if groups:
        delete_groups(admin, groups)
    delete_topics(admin, list(topics))
    deadline = time.monotonic() + 30
    while True:  # justo después de un borrado, el broker puede rechazar la creación un instante
        try:
            ensure_topics(admin, topics)
            return
        except Exception:  # noqa: BLE001 - se reintenta hasta el plazo y luego se propaga
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def ensure_group(client, stream: str, group: str) -> str:
    """Crea el stream (vacío) y su grupo de consumidores si no existen (XGROUP CREATE MKSTREAM)."""
    import redis

    try:
        client.xgroup_create(stream, group, id="0", mkstream=True)
        return "creado"
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
        return "ya existía"
