"""Métricas del consumidor para Prometheus: mensajes, mensajes muertos, *lag*, lotes y PSI.

Se exponen en `/metrics` (formato de texto de Prometheus) con un servidor HTTP pequeño en su
propio hilo, que la CLI arranca con `--metrics-port` (apagado por defecto):

    python -m fraud_stream consume kafka --topic clase4-transactions --metrics-port 8100

- `fraud_events_processed_total` (contador): mensajes leídos y procesados, válidos o no.
- `fraud_events_dead_lettered_total` (contador): los que fueron a la cola de mensajes muertos.
- `fraud_consumer_lag` (gauge): mensajes publicados que el consumidor aún no leyó, sumados sobre
  sus particiones.
- `fraud_batch_duration_seconds` (histograma): validar, inferir, publicar, guardar y confirmar un
  lote.
- `fraud_feature_psi{feature}` (gauge): PSI actual de cada feature del modelo contra la
  referencia de entrenamiento (la ventana de los últimos 500 eventos válidos).

Un registro propio (`CollectorRegistry`), no el global de `prometheus_client`: dos consumidores en
el mismo proceso (pruebas, notebooks) no chocan y `/metrics` muestra solo lo del consumidor. Los
valores se actualizan en el hilo del consumidor, después de cada lote (`MetricsObserver` es el
`on_batch` del bucle); el hilo del servidor solo los lee.
"""

from __future__ import annotations

from collections.abc import Mapping
from threading import Thread
from wsgiref.simple_server import WSGIServer

import numpy as np
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    start_http_server,
)

from .drift import DriftMonitor
from .loop import Batch
from .model import FEATURES, features
from .simulation import FIELDS
from .transports import Transport

# Límites (segundos) de los intervalos del histograma: de un lote de 1 evento a uno de miles.
BATCH_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class ConsumerMetrics:
    """Las cinco métricas del consumidor, en un registro propio."""

    def __init__(self, registry: CollectorRegistry | None = None):
        disable_created_metrics()  # sin series *_created: solo los cinco nombres (como la Clase 1)
        self.registry = CollectorRegistry() if registry is None else registry
        r = self.registry
        self.processed = Counter(
            "fraud_events_processed", "Mensajes leídos y procesados (válidos o no)", registry=r
        )
        self.dead_lettered = Counter(
            "fraud_events_dead_lettered",
            "Mensajes enviados a la cola de mensajes muertos",
            registry=r,
        )
        self.lag = Gauge(
            "fraud_consumer_lag", "Mensajes publicados que el consumidor aún no leyó", registry=r
        )
        self.batch_duration = Histogram(
            "fraud_batch_duration_seconds",
            "Duración del procesamiento de un lote",
            buckets=BATCH_BUCKETS,
            registry=r,
        )
        self.psi = Gauge(
            "fraud_feature_psi",
            "PSI de la feature contra la referencia de entrenamiento",
            ["feature"],
            registry=r,
        )

    def exposition(self) -> bytes:
        """Lo que devuelve `/metrics` (útil en pruebas, sin servidor)."""
        return generate_latest(self.registry)


class MetricsObserver:
    """El `on_batch` del bucle: tras cada lote actualiza contadores, lag y PSI."""

    def __init__(
        self,
        metrics: ConsumerMetrics,
        transport: Transport,
        monitors: Mapping[str, DriftMonitor] | None = None,
    ):
        self.metrics, self.transport = metrics, transport
        self.monitors = dict(monitors or {})
        self.seen = 0

    def __call__(self, batch: Batch) -> None:
        self.seen += batch.messages
        self.metrics.processed.inc(batch.messages)
        self.metrics.dead_lettered.inc(len(batch.dead))
        self.metrics.batch_duration.observe(batch.seconds)
        lag = self.transport.lag()
        if lag is not None:
            self.metrics.lag.set(lag)
        if batch.results and self.monitors:
            x = features(*([r[f] for r in batch.results] for f in FIELDS))
            for j, name in enumerate(FEATURES):
                if name in self.monitors:
                    self.update_psi(name, x[:, j])

    def update_psi(self, name: str, values: np.ndarray) -> None:
        monitor = self.monitors[name]
        monitor.update(values)
        monitor.check(self.seen)
        if monitor.latest is not None:
            self.metrics.psi.labels(feature=name).set(monitor.latest)


def drift_monitors(reference: Mapping[str, list[float]], window: int = 500) -> dict:
    """Un monitor de deriva por feature con referencia (la que viaja con el modelo)."""
    return {
        name: DriftMonitor(values, feature=name, window=window)
        for name, values in reference.items()
    }


def start_metrics(
    transport: Transport, reference: Mapping[str, list[float]], port: int, host: str = "127.0.0.1"
) -> tuple[MetricsObserver, MetricsServer]:
    """Lo que arma `--metrics-port`: las métricas, su observador (el `on_batch` del bucle, con un
    monitor de deriva por feature de la referencia) y `/metrics` en marcha."""
    metrics = ConsumerMetrics()
    observer = MetricsObserver(metrics, transport, drift_monitors(reference))
    return observer, serve(metrics, port, host)


def serve(metrics: ConsumerMetrics, port: int, host: str = "127.0.0.1") -> MetricsServer:
    """Arranca `/metrics` en un hilo (puerto 0: uno libre, en `server.port`)."""
    httpd, thread = start_http_server(port, addr=host, registry=metrics.registry)
    return MetricsServer(httpd, thread)


class MetricsServer:
    """El servidor de `/metrics` en marcha: su puerto y cómo detenerlo."""

    def __init__(self, httpd: WSGIServer, thread: Thread):
        self.httpd, self.thread = httpd, thread
        self.port: int = httpd.server_port

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
