"""Chequeo de contrato: toda respuesta que da una API está declarada en su OpenAPI.

Uso en las pruebas de cada clase (la app y la respuesta de un TestClient o de httpx):

    response = client.get("/v1/jobs/no-existe")
    assert_declared(app.openapi(), response)

Falla si el código de estado o el media type de la respuesta no figuran en el documento
OpenAPI para esa ruta y método: así la documentación no puede prometer menos de lo que pasa.
"""

from __future__ import annotations

import re

import httpx


def _template_matches(template: str, path: str) -> bool:
    pattern = "^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$"
    return re.match(pattern, path) is not None


def operation_for(spec: dict, method: str, path: str) -> dict:
    """La operación del documento que atiende `method path` (con parámetros de ruta)."""
    for template, operations in spec["paths"].items():
        if _template_matches(template, path) and method.lower() in operations:
            return operations[method.lower()]
    raise AssertionError(f"{method} {path} no figura en el documento OpenAPI")


def assert_declared(spec: dict, response: httpx.Response) -> None:
    """El estado y el media type de `response` están declarados para su ruta y método."""
    request = response.request
    operation = operation_for(spec, request.method, request.url.path)
    declared = operation.get("responses", {})
    status = str(response.status_code)
    assert status in declared, (
        f"{request.method} {request.url.path} respondió {status}, que no está declarado "
        f"(declarados: {sorted(declared)})"
    )
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    content = declared[status].get("content", {})
    assert media_type in content, (
        f"{request.method} {request.url.path} → {status} con {media_type!r}, pero el documento "
        f"declara {sorted(content)}"
    )
