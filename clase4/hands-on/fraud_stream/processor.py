"""Procesamiento de un micro-lote: validar, inferir, publicar, guardar y recién entonces confirmar.

El orden es lo que hace que no se pierda ni se duplique nada: (1) publicar resultados y mensajes
muertos, (2) guardarlos en SQLite en una transacción (idempotente), (3) confirmar la lectura. Si
el proceso muere entre (2) y (3), el lote se vuelve a entregar (al menos una vez) y la clave única
`event_id` hace que reprocesarlo no duplique resultados.
"""

from __future__ import annotations

from collections.abc import Callable

from .model import features
from .simulation import FIELDS
from .store import DeadLetter, ResultStore
from .transports import Message, Transport
from .validation import InvalidEvent, validate

# Se llama con el lote ya guardado y todavía sin confirmar (p. ej., la inyección de fallas).
AfterStore = Callable[[list[Message]], None]


def split_valid(messages: list[Message]) -> tuple[list[dict], list[DeadLetter]]:
    """Separa los eventos válidos de los mal formados, que van a la cola de mensajes muertos."""
    events, dead = [], []
    for m in messages:
        try:
            events.append(validate(m.value))
        except InvalidEvent as exc:
            dead.append((m.source_id, str(exc), m.value))
    return events, dead


class FraudProcessor:
    """Validación + inferencia por lote + almacenamiento: lo compartido por ambos transportes."""

    def __init__(
        self,
        model_bundle: dict,
        store: ResultStore,
        threshold: float = 0.5,
        after_store: AfterStore | None = None,
    ):
        self.model = model_bundle["model"]
        self.version = model_bundle["version"]
        self.store = store
        self.threshold = threshold
        self.after_store = after_store
        # processed = inserted + replayed: cada mensaje leído se guardó por primera vez
        # (resultado o mensaje muerto) o ya estaba guardado (una reentrega, que se ignora).
        self.stats = {"processed": 0, "valid": 0, "dead_letters": 0, "inserted": 0, "replayed": 0}

    def infer(self, events: list[dict]) -> list[dict]:
        """Predice todos los eventos del lote con UNA llamada al modelo."""
        if not events:
            return []
        x = features(*([e[f] for e in events] for f in FIELDS))
        scores = self.model.predict_proba(x)[:, 1]
        return [self.result(e, float(s)) for e, s in zip(events, scores, strict=True)]

    def result(self, event: dict, score: float) -> dict:
        """La fila que se publica y se guarda por cada evento válido."""
        return {
            "event_id": event["event_id"],
            "card_id": event["card_id"],
            "score": round(score, 6),
            "is_fraud": int(score >= self.threshold),
            "label": event.get("label"),
            "model_version": self.version,
            # Se registran las features junto a la predicción: sirven para vigilar la deriva y
            # para reentrenar cuando lleguen las etiquetas.
            "amount": float(event["amount"]),
            "hour": int(event["hour"]),
            "distance_km": float(event["distance_km"]),
            "merchant_risk": float(event["merchant_risk"]),
            "produced_at_ms": event.get("produced_at_ms"),
        }

    def handle(
        self, transport: Transport, messages: list[Message]
    ) -> tuple[list[dict], list[DeadLetter]]:
        """Procesa un lote completo; al volver, el lote está guardado y confirmado."""
        events, dead = split_valid(messages)
        results = self.infer(events)
        transport.publish(results, dead)  # 1) resultados y mensajes muertos publicados
        inserted, replayed = self.store.store(results, dead)  # 2) guardados (idempotente)
        self.stats["processed"] += len(messages)
        self.stats["valid"] += len(results)
        self.stats["dead_letters"] += len(dead)
        self.stats["inserted"] += inserted
        self.stats["replayed"] += replayed
        if self.after_store is not None:
            self.after_store(messages)  # guardado y todavía sin confirmar
        transport.ack(messages)  # 3) recién ahora se confirma la lectura
        return results, dead
