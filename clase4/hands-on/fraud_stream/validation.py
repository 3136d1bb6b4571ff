"""El contrato de un evento de transacción: campos, tipos y rangos.

Un evento que no lo cumple no debe llegar al modelo ni voltear al consumidor: `validate` lanza
`InvalidEvent` con **qué campo y por qué**, el mismo motivo que queda en la cola de mensajes
muertos.
"""

from __future__ import annotations

import json

NUMERIC_RULES = {  # campo: (mínimo, máximo, ¿entero?)
    "amount": (0.0, 1e7, False),
    "hour": (0, 23, True),
    "distance_km": (0.0, 20_000.0, False),
    "merchant_risk": (0.0, 1.0, False),
}


class InvalidEvent(ValueError):
    """Evento mal formado: el mensaje dice qué campo falló y por qué."""


def validate(raw: bytes) -> dict:
    """Decodifica y valida un mensaje. Devuelve el evento o lanza InvalidEvent con el motivo."""
    try:
        event = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidEvent(f"JSON inválido: {exc.msg if hasattr(exc, 'msg') else exc}") from None
    if not isinstance(event, dict):
        raise InvalidEvent("el evento debe ser un objeto JSON")
    for field in ("event_id", "card_id"):
        if not isinstance(event.get(field), str) or not event[field]:
            raise InvalidEvent(f"'{field}': falta o no es un texto")
    for field, rule in NUMERIC_RULES.items():
        check_number(event, field, *rule)
    return event


def check_number(event: dict, field: str, low: float, high: float, integer: bool) -> None:
    """Comprueba un campo numérico: presente, número (o entero) y dentro del rango.

    `type(...) in (int, float)` deja afuera a `True`/`False` (en Python, `bool` es un `int`).
    NaN e infinito no cumplen ningún rango (`low <= nan` es falso), así que no pasan.
    """
    if field not in event:
        raise InvalidEvent(f"'{field}': falta el campo")
    value = event[field]
    if type(value) not in (int, float) or (integer and value % 1 != 0):
        kind = "entero" if integer else "número"
        raise InvalidEvent(f"'{field}': debe ser un {kind}, llegó {value!r}")
    if not low <= value <= high:
        raise InvalidEvent(f"'{field}': {value!r} fuera de rango [{low}, {high}]")
    if field == "amount" and value <= 0:
        raise InvalidEvent(f"'amount': debe ser positivo, llegó {value!r}")
