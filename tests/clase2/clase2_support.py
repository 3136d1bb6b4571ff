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

VALID_MISSING_RUN = "0" * 32  # un id de run bien formado que no existe
SET_TAG = "mutation($i: SetRunTagInput!) { setRunTag(input: $i) { name tags { key value } } }"
REGISTER = """mutation($i: RegisterModelVersionInput!) {
  registerModelVersion(input: $i) { modelName version aliases run { name } } }"""
SET_ALIAS = """mutation($i: SetModelAliasInput!) {
  setModelAlias(input: $i) { name aliases { alias version } } }"""


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


def run_ids(url: str, experiment: str = "clase2-iris") -> dict[str, str]:
    """Nombre del run → id, para un experimento."""
    query = "query($e: String!) { experiment(name: $e) { runs(first: 50) { nodes { id name } } } }"
    nodes = data(url, query, {"e": experiment})["experiment"]["runs"]["nodes"]
    return {n["name"]: n["id"] for n in nodes}
