"""Consumidor de transacciones con inferencia en tiempo real (Kafka o Redis Streams).

Por cada micro-lote: valida cada evento, predice el fraude con el modelo pre-entrenado para todos
los válidos de una vez, publica los resultados (tema o stream de resultados), manda los mal
formados a la cola de mensajes muertos con el motivo, guarda todo en SQLite y **recién entonces**
confirma la lectura (commit de offsets en Kafka, XACK en Redis). Si el proceso muere en el medio,
los mensajes se vuelven a entregar (al menos una vez) y la clave única `event_id` de SQLite hace
que reprocesarlos no duplique resultados (escritura idempotente).

El transporte es una pieza chica e intercambiable (`KafkaTransport`, `RedisStreamTransport`);
validación, inferencia y almacenamiento (`FraudProcessor`, `ResultStore`) son los mismos.

    python fraud_consumer.py kafka --topic clase4-transactions --group fraude --db resultados.db
    python fraud_consumer.py redis --stream clase4:transactions --group fraude --consumer c1 \
        --db resultados.db
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import signal
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import fraud_model

# --------------------------------------------------------------------------- validación

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
    for field, (low, high, integer) in NUMERIC_RULES.items():
        if field not in event:
            raise InvalidEvent(f"'{field}': falta el campo")
        value = event[field]
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if not numeric or (integer and not float(value).is_integer()):
            kind = "entero" if integer else "número"
            raise InvalidEvent(f"'{field}': debe ser un {kind}, llegó {value!r}")
        if not math.isfinite(value) or not low <= value <= high:
            raise InvalidEvent(f"'{field}': {value!r} fuera de rango [{low}, {high}]")
        if field == "amount" and value <= 0:
            raise InvalidEvent(f"'amount': debe ser positivo, llegó {value!r}")
    return event


# --------------------------------------------------------------------------- almacenamiento


class ResultStore:
    """Resultados y mensajes muertos en SQLite. `event_id` es UNIQUE: reintentar no duplica."""

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

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.db = sqlite3.connect(self.path, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")  # otros procesos pueden leer mientras tanto
        # En modo WAL, NORMAL no hace fsync en cada commit: una transacción confirmada sobrevive a
        # la muerte del proceso (la falla que se estudia acá), no necesariamente a un corte de luz.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(self.SCHEMA)

    def store(self, results: list[dict], dead: list[tuple[str, str, bytes]]) -> tuple[int, int]:
        """Guarda un lote en UNA transacción. Devuelve (filas nuevas, repetidas ignoradas)."""
        now = time.time_ns() // 1_000_000
        before = self.db.total_changes
        with self.db:  # commit al salir del bloque (o rollback si hay excepción)
            self.db.executemany(
                "INSERT OR IGNORE INTO results VALUES "
                "(:event_id, :card_id, :score, :is_fraud, :label, :model_version, :amount, :hour, "
                ":distance_km, :merchant_risk, :produced_at_ms, :stored_at_ms)",
                [r | {"stored_at_ms": now} for r in results],
            )
            inserted = self.db.total_changes - before
            self.db.executemany(
                "INSERT OR IGNORE INTO dead_letters VALUES (?, ?, ?, ?)",
                [(source, reason, payload, now) for source, reason, payload in dead],
            )
        return inserted, len(results) - inserted

    def counts(self) -> dict[str, int]:
        (results,) = self.db.execute("SELECT COUNT(*) FROM results").fetchone()
        (dead,) = self.db.execute("SELECT COUNT(*) FROM dead_letters").fetchone()
        return {"results": results, "dead_letters": dead}

    def close(self) -> None:
        self.db.close()


# --------------------------------------------------------------------------- transporte


@dataclass(frozen=True)
class Message:
    source_id: str  # posición en la fuente: "tema:partición:offset" o "stream:id"
    value: bytes
    ack_ref: object  # lo que el transporte necesita para confirmar este mensaje


class Transport(Protocol):
    """Lo único que cambia entre Kafka y Redis Streams."""

    def ready(self) -> bool: ...
    def poll(self, max_messages: int, timeout_ms: int) -> list[Message]: ...
    def publish(self, results: list[dict], dead: list[tuple[str, str, bytes]]) -> None: ...
    def ack(self, messages: list[Message]) -> None: ...
    def close(self) -> None: ...


class KafkaTransport:
    """Grupo de consumidores de Kafka con commit manual; productor para resultados y DLQ."""

    def __init__(
        self,
        bootstrap: str,
        topic: str,
        group: str,
        results_topic: str | None = None,
        dead_letter_topic: str | None = None,
        async_commit: bool = False,
    ):
        from kafka import KafkaConsumer, KafkaProducer

        self.consumer = KafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=group,
            enable_auto_commit=False,  # se confirma a mano, DESPUÉS de guardar
            auto_offset_reset="earliest",
            session_timeout_ms=6000,  # un consumidor muerto se detecta en ~6 s
            heartbeat_interval_ms=1000,
            max_poll_records=1000,
        )
        # Pedir primero los metadatos del tema y recién después suscribirse: así la primera
        # asignación del grupo ya conoce las particiones (con kafka-python 3.0.12, unirse sin
        # ellas fuerza una segunda ronda que a veces no termina).
        deadline = time.monotonic() + 30
        while not self.consumer.partitions_for_topic(topic):
            if time.monotonic() > deadline:
                raise TimeoutError(f"el tema {topic!r} no existe o no tiene particiones")
            time.sleep(0.1)
        self.consumer.subscribe([topic])
        self.producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
        self.results_topic = results_topic
        self.dead_letter_topic = dead_letter_topic
        self.failed_commits = 0
        self.async_commit = async_commit
        self.pending_commit: dict = {}

    def ready(self) -> bool:
        return bool(self.consumer.assignment())  # ya tiene particiones asignadas

    def poll(self, max_messages: int, timeout_ms: int) -> list[Message]:
        batches = self.consumer.poll(timeout_ms=timeout_ms, max_records=max_messages)
        return [
            Message(f"{r.topic}:{r.partition}:{r.offset}", r.value, r)
            for records in batches.values()
            for r in records
        ]

    def publish(self, results, dead) -> None:
        sent = False
        if self.results_topic and results:
            sent = True
            for r in results:
                self.producer.send(
                    self.results_topic, key=r["card_id"].encode(), value=json.dumps(r).encode()
                )
        if self.dead_letter_topic and dead:
            sent = True
            for source_id, reason, payload in dead:
                headers = [("reason", reason.encode()), ("source", source_id.encode())]
                self.producer.send(self.dead_letter_topic, value=payload, headers=headers)
        if sent:
            self.producer.flush()  # resultados y DLQ confirmados antes de seguir

    def ack(self, messages: list[Message]) -> None:
        from kafka import OffsetAndMetadata, TopicPartition, errors

        offsets = {}
        for m in messages:  # el offset a confirmar es el del PRÓXIMO mensaje a leer
            tp = TopicPartition(m.ack_ref.topic, m.ack_ref.partition)
            offsets[tp] = max(offsets.get(tp, -1), m.ack_ref.offset + 1)
        if not offsets:
            return
        commit = {tp: OffsetAndMetadata(o, "", -1) for tp, o in offsets.items()}
        if self.async_commit:
            # Asíncrono: el viaje al broker se solapa con el lote siguiente. Si un commit se
            # pierde, esos mensajes se reentregan (y la escritura idempotente los absorbe).
            self.pending_commit.update(commit)
            self.consumer.commit_async(commit, callback=self._on_commit)
            return
        try:
            self.consumer.commit(commit)
        except (
            errors.CommitFailedError,
            errors.RebalanceInProgressError,
            errors.IllegalGenerationError,
            errors.UnknownMemberIdError,
        ):
            # El grupo se está rebalanceando: estas particiones pueden pasar a otro miembro,
            # que releerá el lote. No se pierde nada y, como la escritura es idempotente,
            # tampoco se duplica. Se cuenta y se sigue.
            self.failed_commits += 1

    def _on_commit(self, offsets, response) -> None:
        if isinstance(response, Exception):
            self.failed_commits += 1

    def close(self) -> None:
        if self.pending_commit:  # al salir, un último commit síncrono de lo ya guardado
            with contextlib.suppress(Exception):
                self.consumer.commit(dict(self.pending_commit))
        self.producer.close()
        self.consumer.close(autocommit=False)


class RedisStreamTransport:
    """Grupo de consumidores de Redis Streams: XREADGROUP, XACK y XAUTOCLAIM de pendientes."""

    def __init__(
        self,
        url: str,
        stream: str,
        group: str,
        consumer: str,
        results_stream: str | None = None,
        dead_letter_stream: str | None = None,
        claim_idle_ms: int = 5000,
    ):
        import redis

        self.client = redis.Redis.from_url(url)
        self.stream, self.group, self.consumer = stream, group, consumer
        self.results_stream = results_stream
        self.dead_letter_stream = dead_letter_stream
        self.claim_idle_ms = claim_idle_ms
        self.claim_cursor: str | None = "0-0"  # primero, recuperar pendientes abandonados
        self.claimed = 0
        try:
            self.client.xgroup_create(stream, group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def ready(self) -> bool:
        return True

    def poll(self, max_messages: int, timeout_ms: int) -> list[Message]:
        if self.claim_cursor is not None:
            # XAUTOCLAIM: se adueña de mensajes entregados a otro consumidor (o a una encarnación
            # anterior de este) que llevan más de `claim_idle_ms` sin confirmarse.
            cursor, entries, *_ = self.client.xautoclaim(
                self.stream,
                self.group,
                self.consumer,
                min_idle_time=self.claim_idle_ms,
                start_id=self.claim_cursor,
                count=max_messages,
            )
            cursor = cursor.decode() if isinstance(cursor, bytes) else cursor
            self.claim_cursor = None if cursor == "0-0" else cursor
            entries = [(i, f) for i, f in entries if f]  # los borrados del stream vuelven vacíos
            self.claimed += len(entries)
            if entries:
                return [self._message(i, f) for i, f in entries]
        response = self.client.xreadgroup(
            self.group, self.consumer, {self.stream: ">"}, count=max_messages, block=timeout_ms
        )
        return [self._message(i, f) for _, entries in response or [] for i, f in entries]

    def _message(self, entry_id: bytes, fields: dict) -> Message:
        entry_id = entry_id.decode()
        return Message(f"{self.stream}:{entry_id}", fields[b"value"], entry_id)

    def publish(self, results, dead) -> None:
        pipe = self.client.pipeline(transaction=False)
        if self.results_stream:
            for r in results:
                pipe.xadd(self.results_stream, {"event_id": r["event_id"], "json": json.dumps(r)})
        if self.dead_letter_stream:
            for source_id, reason, payload in dead:
                fields = {"source": source_id, "reason": reason, "payload": payload}
                pipe.xadd(self.dead_letter_stream, fields)
        pipe.execute()

    def ack(self, messages: list[Message]) -> None:
        if messages:
            self.client.xack(self.stream, self.group, *[m.ack_ref for m in messages])

    def close(self) -> None:
        self.client.close()


# --------------------------------------------------------------------------- procesamiento


class FraudProcessor:
    """Validación + inferencia por lote + almacenamiento: lo compartido por ambos transportes."""

    def __init__(
        self,
        model_bundle: dict,
        store: ResultStore,
        threshold: float = 0.5,
        crash_after: int | None = None,
    ):
        self.model = model_bundle["model"]
        self.crash_after = crash_after
        self.version = model_bundle["version"]
        self.store = store
        self.threshold = threshold
        self.stats = {"processed": 0, "valid": 0, "dead_letters": 0, "inserted": 0, "replayed": 0}

    def infer(self, events: list[dict]) -> list[dict]:
        """Predice todos los eventos del lote con UNA llamada al modelo."""
        if not events:
            return []
        x = fraud_model.features(*([e[f] for e in events] for f in fraud_model.FIELDS))
        scores = self.model.predict_proba(x)[:, 1]
        return [
            {
                "event_id": e["event_id"],
                "card_id": e["card_id"],
                "score": round(float(s), 6),
                "is_fraud": int(s >= self.threshold),
                "label": e.get("label"),
                "model_version": self.version,
                # Se registran las features junto a la predicción: sirven para vigilar la
                # deriva y para reentrenar cuando lleguen las etiquetas.
                "amount": float(e["amount"]),
                "hour": int(e["hour"]),
                "distance_km": float(e["distance_km"]),
                "merchant_risk": float(e["merchant_risk"]),
                "produced_at_ms": e.get("produced_at_ms"),
            }
            for e, s in zip(events, scores, strict=True)
        ]

    def handle(self, transport: Transport, messages: list[Message]) -> tuple[list[dict], list]:
        """Procesa un lote completo; al volver, el lote está guardado y confirmado."""
        events, dead = [], []
        for m in messages:
            try:
                events.append(validate(m.value))
            except InvalidEvent as exc:
                dead.append((m.source_id, str(exc), m.value))
        results = self.infer(events)
        transport.publish(results, dead)  # 1) resultados y mensajes muertos publicados
        inserted, replayed = self.store.store(results, dead)  # 2) guardados (idempotente)
        self.stats["processed"] += len(messages)
        self.stats["valid"] += len(results)
        self.stats["dead_letters"] += len(dead)
        self.stats["inserted"] += inserted
        self.stats["replayed"] += replayed
        if self.crash_after is not None and self.stats["processed"] >= self.crash_after:
            # Inyección de fallas (solo para demostrar la recuperación): muere con SIGKILL
            # justo en el peor momento, después de guardar y ANTES de confirmar la lectura.
            os.kill(os.getpid(), signal.SIGKILL)
        transport.ack(messages)  # 3) recién ahora se confirma la lectura
        return results, dead


def collect(transport: Transport, batch_size: int, max_wait_ms: int) -> list[Message]:
    """Micro-lote: junta hasta `batch_size` mensajes o hasta que pasen `max_wait_ms`."""
    deadline = time.monotonic() + max_wait_ms / 1000
    batch: list[Message] = []
    while len(batch) < batch_size:
        remaining_ms = int((deadline - time.monotonic()) * 1000)
        if remaining_ms <= 0 and batch:
            break
        batch += transport.poll(batch_size - len(batch), max(remaining_ms, 1))
        if time.monotonic() >= deadline:
            break
    return batch


def run(
    transport: Transport,
    processor: FraudProcessor,
    batch_size: int = 200,
    max_wait_ms: int = 50,
    stop_after_idle_s: float | None = None,
    max_messages: int | None = None,
    on_batch=None,
) -> dict:
    """Bucle principal. Termina tras `stop_after_idle_s` sin mensajes, al llegar a
    `max_messages` o con SIGTERM/SIGINT (terminando antes el lote en curso)."""
    stopping = []
    if stop_after_idle_s is None:  # servicio de larga vida: se detiene con una señal
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
    last_message = time.monotonic()
    seen = 0
    while not stopping:
        messages = collect(transport, batch_size, max_wait_ms)
        if not transport.ready():  # Kafka: todavía uniéndose al grupo; no cuenta como ocio
            last_message = time.monotonic()
        if messages:
            last_message = time.monotonic()
            results, dead = processor.handle(transport, messages)
            seen += len(messages)
            if on_batch is not None:
                on_batch(results, dead)
            if max_messages is not None and seen >= max_messages:
                break
        elif stop_after_idle_s is not None and time.monotonic() - last_message > stop_after_idle_s:
            break
    return dict(processor.stats)


def consumer_lag(bootstrap: str, group: str, topic: str) -> dict[int, int]:
    """Retraso del grupo por partición: último offset del tema − offset confirmado."""
    from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

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


# --------------------------------------------------------------------------- CLI


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="transport", required=True)
    kafka_p = sub.add_parser("kafka", help="leer de un tema de Kafka")
    kafka_p.add_argument(
        "--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")
    )
    kafka_p.add_argument("--topic", default="clase4-transactions")
    kafka_p.add_argument("--group", default="clase4-fraud")
    kafka_p.add_argument("--results-topic", default=None)
    kafka_p.add_argument("--dead-letter-topic", default=None)
    kafka_p.add_argument("--async-commit", action="store_true", help="commit asíncrono de offsets")
    redis_p = sub.add_parser("redis", help="leer de un Redis Stream")
    redis_p.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://localhost:6379/0")
    )
    redis_p.add_argument("--stream", default="clase4:transactions")
    redis_p.add_argument("--group", default="fraud")
    redis_p.add_argument("--consumer", default="worker-1", help="nombre de este consumidor")
    redis_p.add_argument("--results-stream", default=None)
    redis_p.add_argument("--dead-letter-stream", default=None)
    redis_p.add_argument("--claim-idle-ms", type=int, default=5000)
    for p in (kafka_p, redis_p):
        p.add_argument("--db", type=Path, default=Path("fraud_results.db"))
        p.add_argument("--model", type=Path, default=fraud_model.DEFAULT_MODEL_PATH)
        p.add_argument("--batch-size", type=int, default=200)
        p.add_argument("--max-wait-ms", type=int, default=50)
        p.add_argument("--stop-after-idle", type=float, default=None, help="segundos sin mensajes")
        p.add_argument(
            "--crash-after",
            type=int,
            default=None,
            help="inyección de fallas: SIGKILL tras guardar N mensajes y antes de confirmarlos",
        )
    args = parser.parse_args()

    if args.transport == "kafka":
        transport = KafkaTransport(
            args.bootstrap,
            args.topic,
            args.group,
            args.results_topic,
            args.dead_letter_topic,
            args.async_commit,
        )
    else:
        transport = RedisStreamTransport(
            args.redis_url,
            args.stream,
            args.group,
            args.consumer,
            args.results_stream,
            args.dead_letter_stream,
            args.claim_idle_ms,
        )
    store = ResultStore(args.db)
    processor = FraudProcessor(fraud_model.load(args.model), store, crash_after=args.crash_after)
    print(json.dumps({"status": "listo", "transport": args.transport}), flush=True)
    try:
        stats = run(transport, processor, args.batch_size, args.max_wait_ms, args.stop_after_idle)
    finally:
        transport.close()
        store.close()
    extra = {
        k: getattr(transport, k) for k in ("claimed", "failed_commits") if hasattr(transport, k)
    }
    print(json.dumps({"status": "fin", **stats, **extra}))


if __name__ == "__main__":
    main()
