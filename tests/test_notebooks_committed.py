"""Contrato de los notebooks guardados: ejecutados completos, en orden, sin errores y con la
estructura de página del libro. (nbval verifica aparte que las salidas se reproducen.)"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(ROOT.glob("clase*/hands-on/*.ipynb"))
REQUIRED_SECTIONS = [
    "## Objetivos",
    "Requisitos",
    "Cómo ejecutar este notebook",
    "## Limpieza",
    "## Ejercicios",
    "## Para profundizar",
]


def ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no se encontró ningún notebook en clase*/hands-on/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_executed_top_to_bottom_without_errors(path):
    nb = nbformat.read(path, as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    unexecuted = [i for i, c in enumerate(counts, start=1) if c is None]
    assert not unexecuted, f"celdas de código sin ejecutar (n.º {unexecuted}): correr `make record`"
    assert counts == list(range(1, len(counts) + 1)), "contadores no normalizados: `make record`"
    errors = [
        o.get("ename")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert not errors, f"el notebook guardado tiene errores: {errors}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_page_structure(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "falta el título (# …)"
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    missing = [s for s in REQUIRED_SECTIONS if s not in markdown]
    assert not missing, f"faltan secciones: {missing}"
    assert markdown.count("```{exercise}") >= 1 and "```{solution-start}" in markdown
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_prose_before_code(path):
    """Cada bloque de código va precedido de texto que lo explica (a lo sumo 2 celdas seguidas)."""
    run = 0
    for cell in nbformat.read(path, as_version=4).cells:
        run = run + 1 if cell.cell_type == "code" else 0
        assert run <= 2, (
            f"más de dos celdas de código seguidas sin explicación:\n{cell.source[:200]}"
        )


def test_every_class_has_at_least_three_exercises():
    for chapter in sorted({p.parents[1] for p in NOTEBOOKS}):
        text = "".join(p.read_text() for p in chapter.glob("hands-on/*.ipynb"))
        assert text.count("{exercise}") >= 3, f"{chapter.name}: menos de 3 ejercicios"
