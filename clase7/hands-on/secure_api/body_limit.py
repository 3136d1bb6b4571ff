"""Tope al tamaño del pedido: 413 *antes* de leer el cuerpo entero (y antes del modelo).

El contrato de entrada (`schemas.py`) limita un lote a 1000 filas, pero para comprobarlo FastAPI
primero lee y decodifica todo el JSON: un cuerpo de 500 MB gastaría memoria y CPU del servicio
aunque después se rechazara con 422. Este *middleware* ASGI corta antes:

- si el cliente declara `Content-Length` mayor que el tope, responde 413 sin leer un byte;
- si no lo declara (cuerpo por partes, `Transfer-Encoding: chunked`), lee como máximo `max_bytes`
  y, si el cuerpo sigue, responde 413; si no, se lo entrega entero a la aplicación.

Es lo mismo que `client_max_body_size` de nginx o el límite de un balanceador: conviene tenerlo en
los dos lugares, porque la aplicación no siempre corre detrás del mismo proxy.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import problem_response

CODE = "body_too_large"


class BodySizeLimit:
    """Middleware ASGI: rechaza con 413 (problem+json) todo cuerpo de más de `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self.reject(scope, receive, send)  # el cuerpo nunca se lee
            return
        body, complete = await self.read_at_most(receive)
        if not complete:
            await self.reject(scope, receive, send)
            return
        await self.app(scope, replay(body, receive), send)

    async def read_at_most(self, receive: Receive) -> tuple[bytes, bool]:
        """Lee el cuerpo hasta `max_bytes`: (bytes, True) si terminó; (…, False) si se pasa."""
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                return b"", False
            more = message.get("more_body", False)
        return b"".join(chunks), True

    async def reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope.setdefault("state", {})["problem_code"] = CODE  # el motivo, para la auditoría
        detail = f"El cuerpo del pedido supera el máximo de {self.max_bytes} bytes."
        response = problem_response(413, "Contenido demasiado grande", detail, code=CODE)
        await response(scope, receive, send)


def replay(body: bytes, receive: Receive) -> Receive:
    """Un `receive` que entrega primero el cuerpo ya leído y después delega en el original."""
    pending = True

    async def replayed() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
