"""Línea de comandos: entrenar, crear temas, producir transacciones y consumirlas.

    python -m fraud_stream train
    python -m fraud_stream topics clase4-transactions:3 clase4-results:1
    python -m fraud_stream produce --topic clase4-transactions --events 3000 --drift-at 1500
    python -m fraud_stream consume kafka --topic clase4-transactions --group clase4-fraud
    python -m fraud_stream consume kafka --topic clase4-transactions --metrics-port 8100
    python -m fraud_stream consume redis --stream clase4:transactions --consumer c1

Kafka y Redis se buscan en KAFKA_BOOTSTRAP_SERVERS y REDIS_URL (`settings.py`) salvo que se
indique `--bootstrap` o `--redis-url`. Este archivo solo lee argumentos y arma las piezas.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from . import model
from .admin import ensure_topics
from .events import make_events
from .faults import kill_after
from .kafka_transport import KafkaTransport
from .loop import run
from .metrics import start_metrics
from .processor import FraudProcessor
from .producer import produce_kafka, produce_redis
from .redis_transport import RedisStreamTransport
from .settings import Settings
from .store import ResultStore
from .transports import Transport


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"debe ser un entero positivo, llegó {text}")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"debe ser un número positivo, llegó {text}")
    return value


def fraction(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"debe estar entre 0 y 1, llegó {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m fraud_stream", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)

    train_p = commands.add_parser("train", help="entrenar el modelo y exportarlo a JSON")
    train_p.add_argument("--output", type=Path, default=model.DEFAULT_MODEL_PATH)
    train_p.add_argument("--samples", type=positive_int, default=4000)
    train_p.add_argument("--seed", type=int, default=0)

    topics_p = commands.add_parser("topics", help="crear temas de Kafka (idempotente)")
    topics_p.add_argument("--bootstrap", default=None, help="servidores de Kafka")
    topics_p.add_argument("topics", nargs="+", metavar="NOMBRE:PARTICIONES")

    produce_p = commands.add_parser("produce", help="producir transacciones simuladas")
    produce_p.add_argument("--transport", choices=["kafka", "redis"], default="kafka")
    produce_p.add_argument("--bootstrap", default=None, help="servidores de Kafka")
    produce_p.add_argument("--topic", default="clase4-transactions", help="tema de Kafka")
    produce_p.add_argument("--redis-url", default=None)
    produce_p.add_argument("--stream", default="clase4:transactions", help="stream de Redis")
    produce_p.add_argument("--events", type=positive_int, default=3000)
    produce_p.add_argument("--malformed-fraction", type=fraction, default=0.05)
    produce_p.add_argument("--seed", type=int, default=0)
    produce_p.add_argument(
        "--drift-at", type=int, default=None, help="evento donde empieza la deriva"
    )
    produce_p.add_argument(
        "--rate",
        type=positive_float,
        default=None,
        help="eventos/s (tasa fija; sin esto, lo más rápido posible)",
    )

    consume_p = commands.add_parser("consume", help="consumir: validar, predecir, guardar")
    transports = consume_p.add_subparsers(dest="transport", required=True)
    kafka_p = transports.add_parser("kafka", help="leer de un tema de Kafka")
    kafka_p.add_argument("--bootstrap", default=None, help="servidores de Kafka")
    kafka_p.add_argument("--topic", default="clase4-transactions")
    kafka_p.add_argument("--group", default="clase4-fraud")
    kafka_p.add_argument("--results-topic", default=None)
    kafka_p.add_argument("--dead-letter-topic", default=None)
    kafka_p.add_argument("--async-commit", action="store_true", help="commit asíncrono de offsets")
    redis_p = transports.add_parser("redis", help="leer de un Redis Stream")
    redis_p.add_argument("--redis-url", default=None)
    redis_p.add_argument("--stream", default="clase4:transactions")
    redis_p.add_argument("--group", default="fraud")
    redis_p.add_argument("--consumer", default="worker-1", help="nombre de este consumidor")
    redis_p.add_argument("--results-stream", default=None)
    redis_p.add_argument("--dead-letter-stream", default=None)
    redis_p.add_argument("--claim-idle-ms", type=int, default=5000)
    for p in (kafka_p, redis_p):
        p.add_argument("--db", type=Path, default=Path("fraud_results.db"))
        p.add_argument("--model", type=Path, default=model.DEFAULT_MODEL_PATH)
        p.add_argument("--batch-size", type=positive_int, default=200)
        p.add_argument("--max-wait-ms", type=int, default=50)
        p.add_argument("--stop-after-idle", type=float, default=None, help="segundos sin mensajes")
        p.add_argument(
            "--crash-after",
            type=positive_int,
            default=None,
            help="inyección de fallas: SIGKILL tras guardar N mensajes y antes de confirmarlos",
        )
        p.add_argument(
            "--metrics-port",
            type=int,
            default=None,
            help="servir métricas de Prometheus en /metrics en este puerto (0: uno libre)",
        )
        p.add_argument("--metrics-host", default="127.0.0.1", help="interfaz de /metrics")
    return parser


def train(args: argparse.Namespace) -> None:
    bundle = model.train(args.samples, args.seed)
    path = model.save(bundle, args.output)
    accuracy = bundle["holdout_accuracy"]
    print(f"modelo {bundle['version']} guardado en {path} (exactitud {accuracy:.3f})")


def topics(args: argparse.Namespace) -> None:
    from kafka import KafkaAdminClient

    wanted = {}
    for spec in args.topics:
        name, _, partitions = spec.partition(":")
        wanted[name] = int(partitions or 1)
    admin = KafkaAdminClient(bootstrap_servers=args.bootstrap)
    for name, outcome in ensure_topics(admin, wanted).items():
        print(f"{name}: {outcome}")
    admin.close()


def produce(args: argparse.Namespace) -> None:
    events = make_events(args.events, args.seed, args.malformed_fraction, args.drift_at)
    if args.transport == "kafka":
        from kafka import KafkaProducer

        producer = KafkaProducer(bootstrap_servers=args.bootstrap, acks="all", linger_ms=5)
        stats = produce_kafka(producer, args.topic, events, rate=args.rate)
        producer.close()
    else:
        import redis

        client = redis.Redis.from_url(args.redis_url)
        stats = produce_redis(client, args.stream, events, rate=args.rate)
        client.close()
    malformed = sum(not e.valid for e in events)
    summary = {k: v for k, v in stats.items() if k != "errors"}
    print(json.dumps({**summary, "malformed": malformed, "valid": len(events) - malformed}))
    if stats.get("failed"):
        raise SystemExit(f"fallaron {stats['failed']} envíos: {stats['errors'][:3]}")


def make_transport(args: argparse.Namespace) -> Transport:
    if args.transport == "kafka":
        return KafkaTransport(
            args.bootstrap,
            args.topic,
            args.group,
            results_topic=args.results_topic,
            dead_letter_topic=args.dead_letter_topic,
            async_commit=args.async_commit,
        )
    return RedisStreamTransport(
        args.redis_url,
        args.stream,
        args.group,
        args.consumer,
        results_stream=args.results_stream,
        dead_letter_stream=args.dead_letter_stream,
        claim_idle_ms=args.claim_idle_ms,
    )


def consume(args: argparse.Namespace) -> None:
    bundle = model.load(args.model)
    hook = None if args.crash_after is None else kill_after(args.crash_after)
    transport = make_transport(args)
    store = ResultStore(args.db)
    processor = FraudProcessor(bundle, store, after_store=hook)
    observer = server = None
    if args.metrics_port is not None:  # /metrics para Prometheus, en su propio hilo
        observer, server = start_metrics(
            transport, bundle["reference"], args.metrics_port, args.metrics_host
        )
    ready = {"status": "ready", "transport": args.transport}
    if server is not None:
        ready["metrics_port"] = server.port
    print(json.dumps(ready), flush=True)
    try:
        stats = run(
            transport,
            processor,
            args.batch_size,
            args.max_wait_ms,
            args.stop_after_idle,
            on_batch=observer,
        )
    finally:
        if server is not None:
            server.stop()
        transport.close()
        store.close()
    extra = {
        k: getattr(transport, k) for k in ("claimed", "failed_commits") if hasattr(transport, k)
    }
    print(json.dumps({"status": "done", **stats, **extra}))


COMMANDS = {"train": train, "topics": topics, "produce": produce, "consume": consume}


def main(argv: list[str] | None = None) -> None:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "produce" and not 0 <= (args.drift_at or 0) <= args.events:
        parser.error(f"--drift-at debe estar entre 0 y --events ({args.events})")
    if args.command != "train":  # los demás hablan con Kafka o Redis
        try:
            fill_endpoints(args, Settings.from_env())
        except ValueError as exc:
            parser.error(str(exc))
    COMMANDS[args.command](args)


def fill_endpoints(args: argparse.Namespace, settings: Settings) -> None:
    """Lo que no vino en la línea de comandos (`--bootstrap`, `--redis-url`) sale del entorno."""
    if hasattr(args, "bootstrap") and args.bootstrap is None:
        args.bootstrap = settings.kafka_bootstrap_servers
    if hasattr(args, "redis_url") and args.redis_url is None:
        args.redis_url = settings.redis_url
