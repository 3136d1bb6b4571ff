"""El SDL versionado (`schema.graphql`) es el contrato público: si el código cambia el esquema y
nadie regenera el archivo, esta prueba falla y el cambio se ve en la revisión."""

from __future__ import annotations

import subprocess
import sys

import mlflow_graphql as mg
from clase2_support import HANDS_ON

SDL_FILE = HANDS_ON / "schema.graphql"
FIX = "regenerarlo con `python mlflow_graphql.py export-schema > schema.graphql` en clase2/hands-on"


def test_committed_sdl_matches_code():
    assert SDL_FILE.read_text() == mg.schema.as_str() + "\n", (
        f"schema.graphql desactualizado: {FIX}"
    )


def test_export_schema_command_prints_the_same_sdl():
    result = subprocess.run(
        [sys.executable, "mlflow_graphql.py", "export-schema"],
        cwd=HANDS_ON,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == SDL_FILE.read_text()


def test_schema_shows_every_construct_the_class_teaches():
    sdl = SDL_FILE.read_text()
    for construct in (
        "interface Tagged",
        "type Run implements Tagged",
        "input RunFilter",
        "enum RunStatus",
        "type Mutation",
        "type Subscription",
        "scalar DateTime",
        "[KeyValue!]!",
        "direction: SortDirection! = DESC",
    ):
        assert construct in sdl, f"falta {construct!r} en el esquema"


def test_production_schema_has_the_same_contract():
    """Las extensiones de producción cambian cómo se ejecuta, no qué tipos se publican."""
    production = mg.build_schema(mg.Settings(production=True))
    assert production.as_str() == mg.schema.as_str()
