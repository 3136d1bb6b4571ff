"""Un consumidor nuevo entra al grupo en UNA ronda, contra el Kafka real del stack.

Si se une sin conocer las particiones del tema, kafka-python 3.0.12 asigna con una foto vacía de
metadatos y el líder pide una segunda ronda apenas llegan; si el `poll` vence en medio de esa
ronda, su respuesta se pierde y el consumidor queda sin particiones ni latidos (falla vista en la
prueba de punta a punta de la Clase 8). `KafkaTransport` se suscribe y espera las particiones
antes del primer `poll`: la generación del grupo no debe cambiar después de la primera asignación.
"""

from __future__ import annotations

import time
import uuid

import pytest
from fraud_stream.admin import delete_topics, ensure_topics
from fraud_stream.kafka_transport import KafkaTransport

from coursekit import stack

pytestmark = [
    pytest.mark.stack,
    pytest.mark.filterwarnings("ignore:(read|open)_text is deprecated:DeprecationWarning"),
]


def generation(consumer: KafkaTransport) -> int:
    # Atributo interno de kafka-python: la API pública no expone la generación del grupo.
    return consumer.consumer._coordinator._generation.generation_id


def test_a_new_member_joins_in_one_round():
    from kafka import KafkaAdminClient

    stack.require("kafka")
    bootstrap = stack.env("KAFKA_BOOTSTRAP_SERVERS")
    topic = f"clase4-union-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    ensure_topics(admin, {topic: 3})
    member = KafkaTransport(bootstrap, topic, group=topic, results_topic=topic)
    try:
        deadline = time.monotonic() + 30
        while not member.ready():
            member.poll(max_messages=10, timeout_ms=100)  # plazos cortos, como en los notebooks
            assert time.monotonic() < deadline, "sin particiones asignadas en 30 s"
        first = generation(member)
        assert len(member.consumer.assignment()) == 3
        until = time.monotonic() + 3  # la foto de metadatos se actualiza enseguida tras asignar
        while time.monotonic() < until:
            member.poll(max_messages=10, timeout_ms=100)
        assert generation(member) == first, "el líder pidió una segunda ronda"
        assert len(member.consumer.assignment()) == 3
    finally:
        member.close()
        delete_topics(admin, [topic])
        admin.delete_groups([topic])
        admin.close()
