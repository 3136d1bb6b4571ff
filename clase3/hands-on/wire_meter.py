"""Contar los bytes que de verdad viajan por el socket: un relevo TCP que mide lo que pasa.

El cliente se conecta al relevo en lugar de al servidor; el relevo reenvía cada byte en los dos
sentidos y los cuenta. Así se mide lo que el protocolo pone en el cable, no lo que uno cree que
pone: en HTTP/1.1, la línea de pedido, los encabezados y el cuerpo; en HTTP/2 (gRPC), el
preámbulo, las tramas de control (SETTINGS, WINDOW_UPDATE, PING), los encabezados comprimidos
con HPACK y las tramas DATA con el prefijo de 5 bytes de cada mensaje. No cuenta lo que agregan
TCP e IP por segmento (unos 50 a 70 bytes más), ni TLS, que aquí no se usa.

    with WireMeter("127.0.0.1", 8001) as meter:
        httpx.post(f"http://{meter.address}/predict/batch", json=body)
        print(meter.sent, meter.received)   # cliente → servidor, servidor → cliente

Es una herramienta de medición de bytes, no de tiempos: el relevo agrega latencia.
"""

from __future__ import annotations

import contextlib
import socket
import threading

CHUNK = 64 * 1024


class WireMeter:
    """Relevo TCP en 127.0.0.1 (puerto libre) hacia `host:port` que cuenta bytes por sentido."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.counts = {"sent": 0, "received": 0}  # cliente → servidor, servidor → cliente
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._listener: socket.socket | None = None

    @property
    def sent(self) -> int:
        """Bytes del cliente al servidor (pedidos) desde el último `reset()`."""
        return self.counts["sent"]

    @property
    def received(self) -> int:
        """Bytes del servidor al cliente (respuestas) desde el último `reset()`."""
        return self.counts["received"]

    @property
    def address(self) -> str:
        host, port = self._listener.getsockname()
        return f"{host}:{port}"

    def start(self) -> WireMeter:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._spawn(self._accept_loop)
        return self

    def reset(self) -> None:
        """Pone los contadores en cero (por ejemplo, después de abrir la conexión)."""
        with self._lock:
            self.counts = {"sent": 0, "received": 0}

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name="wire-meter")
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:  # stop() cerró el socket de escucha
                return
            server = socket.create_connection(self.target)
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sockets += [client, server]
            self._spawn(self._pump, client, server, "sent")
            self._spawn(self._pump, server, client, "received")

    def _pump(self, source: socket.socket, sink: socket.socket, counter: str) -> None:
        """Copia de `source` a `sink` hasta que alguien cierre, sumando lo copiado."""
        try:
            while data := source.recv(CHUNK):
                with self._lock:
                    self.counts[counter] += len(data)
                sink.sendall(data)
        except OSError:
            pass  # la conexión se cerró (el cliente, el servidor o stop())
        finally:
            _shutdown(source)
            _shutdown(sink)

    def stop(self) -> None:
        """Cierra el relevo y todas sus conexiones; espera a sus hilos."""
        if self._listener is not None:
            _shutdown(self._listener)  # en Linux, despierta al hilo bloqueado en accept()
            self._listener.close()
            self._threads[0].join(timeout=5)
        for sock in self._sockets:
            _shutdown(sock)
            sock.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> WireMeter:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # ya estaba cerrado
        sock.shutdown(socket.SHUT_RDWR)
