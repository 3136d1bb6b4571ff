"""Retraso (*lag*) de un grupo de consumidores de Kafka: la métrica básica de su salud.

Por partición, último offset del tema menos el offset confirmado por el grupo. Si crece sin
parar, el consumidor no da abasto: más consumidores (hasta uno por partición) o lotes más grandes.
"""

from __future__ import annotations

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition


def consumer_lag(bootstrap: str, group: str, topic: str) -> dict[int, int]:
    """Retraso del grupo por partición: último offset del tema − offset confirmado."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    committed = admin.list_group_offsets(group).get(group, {})
    admin.close()
    probe = KafkaConsumer(bootstrap_servers=bootstrap)
    partitions = [TopicPartition(topic, p) for p in sorted(probe.partitions_for_topic(topic))]
    ends = probe.end_offsets(partitions)
    probe.close()
    lag = {}
    for tp in partitions:
        done = committed.get(tp)
        lag[tp.partition] = ends[tp] - (done.offset if done is not None and done.offset >= 0 else 0)
    return lag
