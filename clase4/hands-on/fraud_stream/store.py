"""Almacén de resultados y mensajes muertos en SQLite, con escritura idempotente.

`event_id` es UNIQUE y la inserción es `INSERT OR IGNORE`: si un lote se vuelve a entregar
(entrega *al menos una vez*), guardarlo otra vez no cambia nada. Un resultado por evento. Lo mismo
para los mensajes muertos, únicos por su posición en la fuente (`source_id`).
"""

from __future__ import annotations

import sqlite3
import time
from operator import itemgetter
from pathlib import Path

# Un mensaje muerto: (posición en la fuente, motivo, bytes originales).
DeadLetter = tuple[str, str, bytes]

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    event_id TEXT NOT NULL UNIQUE,
    card_id TEXT NOT NULL,
    score REAL NOT NULL,
    is_fraud INTEGER NOT NULL,
    label INTEGER,
    model_version TEXT NOT NULL,
    amount REAL NOT NULL,
    hour INTEGER NOT NULL,
    distance_km REAL NOT NULL,
    merchant_risk REAL NOT NULL,
    produced_at_ms INTEGER,
    stored_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dead_letters (
    source_id TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL,
    payload BLOB NOT NULL,
    stored_at_ms INTEGER NOT NULL
);
"""


# Las columnas de un resultado, en el orden de la tabla (`stored_at_ms` lo agrega `store`).
RESULT_COLUMNS = (
    "event_id", "card_id", "score", "is_fraud", "label", "model_version",
    "amount", "hour", "distance_km", "merchant_risk", "produced_at_ms",
)  # fmt: skip
result_row = itemgetter(*RESULT_COLUMNS)


class ResultStore:
    """Resultados y mensajes muertos en SQLite. `event_id` es UNIQUE: reintentar no duplica."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.db = sqlite3.connect(self.path, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")  # otros procesos pueden leer mientras tanto
        # En modo WAL, NORMAL no hace fsync en cada commit: una transacción confirmada sobrevive a
        # la muerte del proceso (la falla que se estudia aquí), no necesariamente a un corte de luz.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def store(self, results: list[dict], dead: list[DeadLetter]) -> tuple[int, int]:
        """Guarda un lote en UNA transacción. Devuelve (mensajes nuevos, repetidos ignorados).

        Cada mensaje del lote es una fila (un resultado o un mensaje muerto): los repetidos son
        los que ya estaban guardados, es decir, los que el transporte volvió a entregar.
        """
        now = time.time_ns() // 1_000_000
        before = self.db.total_changes
        with self.db:  # commit al salir del bloque (o rollback si hay excepción)
            self.db.executemany(
                "INSERT OR IGNORE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(*result_row(r), now) for r in results],  # tuplas: más rápido que por nombre
            )
            self.db.executemany(
                "INSERT OR IGNORE INTO dead_letters VALUES (?, ?, ?, ?)",
                [(source, reason, payload, now) for source, reason, payload in dead],
            )
        inserted = self.db.total_changes - before
        return inserted, len(results) + len(dead) - inserted

    def counts(self) -> dict[str, int]:
        """Filas de cada tabla (lo que se usa para probar que no se pierde ni se duplica)."""
        (results,) = self.db.execute("SELECT COUNT(*) FROM results").fetchone()
        (dead,) = self.db.execute("SELECT COUNT(*) FROM dead_letters").fetchone()
        return {"results": results, "dead_letters": dead}

    def close(self) -> None:
        self.db.close()
