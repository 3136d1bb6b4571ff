"""Ayudas de las pruebas de la Clase 1 (nombre propio: no confundirse con otro conftest)."""

from __future__ import annotations

import httpx
from openapi_contract import assert_declared


def contract_checked_client(app, base_url: str) -> httpx.Client:
    """Cliente HTTP que verifica cada respuesta contra el OpenAPI de la app (assert_declared)."""
    spec = app.openapi()

    def check(response: httpx.Response) -> None:
        if response.request.url.path != "/openapi.json":
            assert_declared(spec, response)

    return httpx.Client(base_url=base_url, timeout=10, event_hooks={"response": [check]})
