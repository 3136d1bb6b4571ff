"""Utilidades compartidas por las pruebas de la Clase 2 (nombre único en el repositorio: las
pruebas lo importan por nombre, y `conftest` es un nombre que comparten todas las carpetas)."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
HANDS_ON = ROOT / "clase2" / "hands-on"
if str(HANDS_ON) not in sys.path:
    sys.path.insert(0, str(HANDS_ON))


def gql(url: str, query: str, variables: dict | None = None) -> tuple[int, dict]:
    """POST /graphql y devuelve (status, cuerpo JSON)."""
    response = httpx.post(
        f"{url}/graphql", json={"query": query, "variables": variables}, timeout=30
    )
    return response.status_code, response.json()


def data(url: str, query: str, variables: dict | None = None) -> dict:
    """Solo `data`, verificando que la respuesta no traiga errores."""
    status, body = gql(url, query, variables)
    assert status == 200 and "errors" not in body, body
    return body["data"]
