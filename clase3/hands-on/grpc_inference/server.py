"""Armado y ciclo de vida del servidor: registrar servicios, abrir el puerto, apagar en orden.

`build_server` registra el servicio de inferencia, la salud y la reflexión en un `grpc.server`
con un *pool* de hilos y abre el puerto (0 = uno libre, que el sistema elige sin carrera).
`RunningServer.stop` es el apagado ordenado: salud en `NOT_SERVING`, no acepta RPC nuevos y da
`grace` segundos a los que están en curso. `serve_until_signal` espera SIGTERM o SIGINT (lo que
manda Kubernetes antes de matar un *pod*) y entonces apaga así.
"""

from __future__ import annotations

import logging
import signal
import threading
from concurrent import futures
from dataclasses import dataclass

import grpc
import inference_pb2 as pb2
import inference_pb2_grpc as pb2_grpc
from grpc_health.v1 import health
from grpc_reflection.v1alpha import reflection

from . import health_checking
from .servicer import InferenceServicer

SERVICE_NAME = pb2.DESCRIPTOR.services_by_name["InferenceService"].full_name
MAX_MESSAGE_BYTES = 16 * 1024 * 1024  # 100 000 filas × 4 floats ≈ 1,6 MB: sobra margen

logger = logging.getLogger("grpc_inference")


@dataclass
class RunningServer:
    """Un servidor gRPC en marcha: el objeto grpc.Server, su puerto, el servicio y la salud."""

    server: grpc.Server
    port: int
    servicer: InferenceServicer
    health: health.HealthServicer

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self, grace: float = 2.0) -> None:
        """Apagado ordenado: NOT_SERVING, no acepta RPC nuevos y espera `grace` s a los que
        están en curso; después cancela lo que quede."""
        health_checking.mark_shutting_down(self.health)
        self.server.stop(grace).wait()


def build_server(
    servicer: InferenceServicer,
    host: str = "127.0.0.1",
    port: int = 0,
    max_workers: int = 8,
    reflection_enabled: bool = True,
) -> RunningServer:
    """Registra el servicio, la salud y (si se pide) la reflexión; abre el puerto (0 = uno
    libre) y arranca."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="grpc"),
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            # Por defecto gRPC usa SO_REUSEPORT en Linux: dos servidores podrían abrir el mismo
            # puerto sin error. Apagado, un puerto ocupado falla al arrancar, como se espera.
            ("grpc.so_reuseport", 0),
        ],
    )
    pb2_grpc.add_InferenceServiceServicer_to_server(servicer, server)
    health_servicer = health_checking.add_health(server)
    if reflection_enabled:  # lista los servicios y sus descriptores a quien pregunte
        reflection.enable_server_reflection(
            (SERVICE_NAME, health_checking.SERVICE_NAME, reflection.SERVICE_NAME), server
        )
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise RuntimeError(f"no se pudo abrir {host}:{port} (¿puerto ocupado?)")
    server.start()
    health_checking.mark_serving(health_servicer, [SERVICE_NAME])
    return RunningServer(server, bound, servicer, health_servicer)


def serve_until_signal(running: RunningServer, grace: float) -> None:
    """Atiende hasta recibir SIGTERM o SIGINT y entonces apaga en orden (hasta `grace` s)."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    logger.info("Señal recibida: apagado ordenado (hasta %.0f s)", grace)
    running.stop(grace)
    stats = dict(sorted(running.servicer.stats.items()))
    logger.info("Servidor detenido. Pedidos atendidos: %s", stats)
