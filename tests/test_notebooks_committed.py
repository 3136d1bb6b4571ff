"""Contrato de los notebooks guardados: ejecutados completos, en orden, sin errores y con la
estructura de página del libro. (nbval verifica aparte que las salidas se reproducen.)"""

from __future__ import annotations

import re
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
    # Cada solución abre y cierra antes de la siguiente (si no, el libro no se construye).
    marks = re.findall(r"```\{(solution-start|solution-end)\}", markdown)
    assert marks == ["solution-start", "solution-end"] * (len(marks) // 2), f"soluciones: {marks}"
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


LEVELS = ("básico", "intermedio", "avanzado")


def exercises(path: Path) -> list[dict]:
    """Cada ejercicio con su nivel y las celdas de código de su solución."""
    cells = nbformat.read(path, as_version=4).cells
    found, current = [], None
    for cell in cells:
        if cell.cell_type == "markdown" and "{exercise}" in cell.source:
            title = cell.source.split("{exercise}", 1)[1].splitlines()[0]
            label = next(
                (
                    ln.split(":label:")[1].strip()
                    for ln in cell.source.splitlines()
                    if ":label:" in ln
                ),
                None,
            )
            level = next((lv for lv in LEVELS if f"({lv})" in title), None)
            found.append({"title": title.strip(), "label": label, "level": level, "code": 0})
        if cell.cell_type == "markdown" and "{solution-start}" in cell.source:
            current = next((e for e in found if e["label"] and e["label"] in cell.source), None)
        elif cell.cell_type == "markdown" and "{solution-end}" in cell.source:
            current = None
        elif cell.cell_type == "code" and current is not None:
            current["code"] += 1
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_graded_exercises_with_solutions_that_run(path):
    """Al menos tres ejercicios (básico, intermedio, avanzado) cuya solución es código que nbval
    ejecuta en CI, como promete la introducción del libro."""
    found = exercises(path)
    levels = {e["level"] for e in found}
    assert len(found) >= 3 and set(LEVELS) <= levels, f"ejercicios graduados: {found}"
    without_code = [e["title"] for e in found if e["code"] == 0]
    assert not without_code, f"soluciones sin código ejecutable: {without_code}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_ignored_output_cells_still_assert(path):
    """Una celda cuya salida nbval no compara (tiempos) verifica igual lo que calculó."""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code" and cell.source.lstrip().startswith("# NBVAL_IGNORE_OUTPUT"):
            assert "assert " in cell.source, f"celda ignorada sin assert:\n{cell.source[:300]}"
