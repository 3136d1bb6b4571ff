"""Eventos de transacciones simuladas, con una fracción rota a propósito.

Cada evento es un JSON con la transacción y su etiqueta (en la simulación la etiqueta viaja con
el evento para poder medir la exactitud; en la realidad llega días después, con los
contracargos). Una fracción controlada sale **mal formada**: el consumidor debe mandarla a la cola
de mensajes muertos con el motivo. La clave de cada mensaje es la tarjeta.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import numpy as np

from .simulation import simulate

# Tipos de evento mal formado que genera el productor (el consumidor debe detectar cada uno).
MALFORMED_KINDS = ("json_roto", "sin_monto", "monto_texto", "monto_negativo", "hora_invalida")


@dataclass(frozen=True)
class Event:
    """Un mensaje listo para enviar: clave, bytes y si es válido (para verificar al final)."""

    event_id: str
    key: str
    value: bytes
    valid: bool
    kind: str  # "ok" o uno de MALFORMED_KINDS


def encode(record: dict, kind: str) -> bytes:
    """El JSON de `record`, roto según `kind` ("ok": intacto)."""
    record = dict(record)
    if kind == "sin_monto":
        del record["amount"]
    elif kind == "monto_texto":
        record["amount"] = "mil pesos"
    elif kind == "monto_negativo":
        record["amount"] = -record["amount"]
    elif kind == "hora_invalida":
        record["hour"] = 27
    value = json.dumps(record, separators=(",", ":")).encode()
    if kind == "json_roto":
        value = value[: len(value) // 2]  # JSON cortado a la mitad
    return value


def make_events(
    n: int,
    seed: int = 0,
    malformed_fraction: float = 0.05,
    drift_at: int | None = None,
    drift_scale: float = 3.0,
    n_cards: int = 200,
) -> list[Event]:
    """`n` eventos deterministas; desde `drift_at` los montos se multiplican por `drift_scale`."""
    rng = np.random.default_rng(seed + 1000)
    drift_at = n if drift_at is None else drift_at
    before = simulate(drift_at, seed=seed)
    after = simulate(n - drift_at, seed=seed + 1, amount_scale=drift_scale)
    columns = {k: np.concatenate([before[k], after[k]]) for k in before}
    cards = rng.integers(0, n_cards, n)
    broken = rng.random(n) < malformed_fraction
    kinds = rng.integers(0, len(MALFORMED_KINDS), n)
    events = []
    for i in range(n):
        record = {
            "event_id": f"tx-{seed}-{i:06d}",
            "card_id": f"card-{cards[i]:04d}",
            "amount": float(columns["amount"][i]),
            "hour": int(columns["hour"][i]),
            "distance_km": float(columns["distance_km"][i]),
            "merchant_risk": float(columns["merchant_risk"][i]),
            "label": int(columns["label"][i]),
        }
        kind = MALFORMED_KINDS[kinds[i]] if broken[i] else "ok"
        value = encode(record, kind)
        events.append(Event(record["event_id"], record["card_id"], value, kind == "ok", kind))
    return events


def stamp(value: bytes) -> bytes:
    """Agrega `produced_at_ms` (reloj de pared) a un JSON válido, para medir latencia de punta a
    punta; un mensaje roto se envía tal cual."""
    if not value.endswith(b"}"):
        return value
    return value[:-1] + b',"produced_at_ms":' + str(time.time_ns() // 1_000_000).encode() + b"}"
