"""El SDL versionado (`schema.graphql`) es el contrato público: si el código cambia el esquema y
nadie regenera el archivo, esta prueba falla y el cambio se ve en la revisión."""

from __future__ import annotations

import subprocess
import sys

import graphql
from clase2_support import HANDS_ON
from mlflow_graphql.schema import build_schema
from mlflow_graphql.settings import Settings

SDL_FILE = HANDS_ON / "schema.graphql"
FIX = "regenerarlo con `python -m mlflow_graphql export-schema > schema.graphql` en clase2/hands-on"
# Pistas de un identificador en español (las descripciones sí van en español).
SPANISH_HINTS = ("ñ", "á", "é", "í", "ó", "ú", "cion", "nombre", "modelo", "metrica", "etiqueta")


def test_committed_sdl_matches_code():
    assert SDL_FILE.read_text() == build_schema().as_str() + "\n", (
        f"schema.graphql desactualizado: {FIX}"
    )


def test_export_schema_command_prints_the_same_sdl():
    result = subprocess.run(
        [sys.executable, "-m", "mlflow_graphql", "export-schema"],
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


def schema_identifiers(sdl: str) -> set[str]:
    """Tipos, campos, argumentos, campos de entrada y valores de enumeración del esquema."""
    names = set()
    for type_ in graphql.build_schema(sdl).type_map.values():
        if type_.name.startswith("__"):
            continue
        names.add(type_.name)
        fields = getattr(type_, "fields", {}) or {}
        for field_name, field in fields.items():
            names.add(field_name)
            names |= set(getattr(field, "args", {}) or {})
        names |= set(getattr(type_, "values", {}) or {})
    return names


def test_schema_identifiers_are_english():
    names = schema_identifiers(SDL_FILE.read_text())
    assert {"metricHistory", "runId", "modelName", "DESC"} <= names  # la prueba mira todo
    spanish = sorted(n for n in names if any(hint in n.lower() for hint in SPANISH_HINTS))
    assert not spanish, f"identificadores del esquema en español: {spanish}"


def test_production_schema_has_the_same_contract():
    """Las extensiones de producción cambian cómo se ejecuta, no qué tipos se publican."""
    production = build_schema(Settings(env="production"))
    assert production.as_str() == build_schema().as_str()
