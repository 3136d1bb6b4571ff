"""Higiene del repositorio: lint, dependencias fijadas y exportaciones del lock al día."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_lint_and_format():
    lint = run(str(BIN / "ruff"), "check", ".")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = run(str(BIN / "ruff"), "format", "--check", ".")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_dependencies_are_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = project["project"]["dependencies"] + project["dependency-groups"]["dev"]
    unpinned = [d for d in deps if "==" not in d]
    assert not unpinned, f"dependencias sin versión exacta: {unpinned}"


def test_requirements_lock_matches_uv_lock():
    uv = shutil.which("uv")
    assert uv, "uv no está instalado (make lo instala)"
    exported = run(
        uv,
        "export",
        "--frozen",
        "--all-groups",
        "--no-hashes",
        "--no-emit-project",
        "--format",
        "requirements-txt",
        "--no-header",
    )
    assert exported.returncode == 0, exported.stderr
    committed = (ROOT / "requirements.lock.txt").read_text()
    body = "\n".join(line for line in committed.splitlines() if not line.startswith("#"))
    expected = "\n".join(line for line in exported.stdout.splitlines() if not line.startswith("#"))
    assert body.strip() == expected.strip(), (
        "requirements.lock.txt desactualizado: regenerarlo con `uv export --frozen --all-groups "
        "--no-hashes --no-emit-project --format requirements-txt -o requirements.lock.txt`"
    )


def test_conda_environment_uses_the_same_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-r requirements.lock.txt" in pip_section
    assert "python=3.11" in env["dependencies"]


def test_no_crlf_in_scripts():
    scripts = [ROOT / "Makefile", ROOT / ".ci" / "run", *ROOT.glob("stack/**/*.sh")]
    with_crlf = [str(p.relative_to(ROOT)) for p in scripts if b"\r\n" in p.read_bytes()]
    assert not with_crlf, f"finales de línea CRLF (Windows) en: {with_crlf}"


def test_every_chapter_links_the_glossary():
    """La teoría de cada clase enlaza al glosario los términos que introduce (rol {term})."""
    glossary = (ROOT / "book" / "glosario.md").read_text()
    chapters = sorted(p for p in ROOT.glob("clase*") if (p / "teoria").is_dir())
    assert len(chapters) == 8, [p.name for p in chapters]
    for chapter in chapters:
        text = "".join(p.read_text() for p in (chapter / "teoria").glob("*.md"))
        terms = re.findall(r"\{term\}`(?:[^`<]*<)?([^`>]+)>?`", text)
        assert len(terms) >= 3, f"{chapter.name}: menos de 3 enlaces al glosario ({terms})"
        missing = [t for t in terms if f"\n{t}\n" not in glossary]
        assert not missing, f"{chapter.name}: términos que no están en el glosario: {missing}"


def test_vendored_mathjax_is_the_pinned_release():
    """El sitio sirve su propio MathJax (sin CDN), con lo que su menú carga a pedido: todo es
    exactamente la versión fijada, sin direcciones del CDN."""
    from coursekit.dev import vendor_mathjax as vm

    again = "volver a copiarlo: python -m coursekit.dev.vendor_mathjax"
    assert vm.tree_digest(vm.TARGET) == vm.TREE_SHA256, again
    with_cdn = [p.name for p in vm.TARGET.rglob("*.js") if vm.CDN in p.read_bytes()]
    assert not with_cdn, f"direcciones del CDN en {with_cdn}: {again}"
    assert "Apache License" in (vm.TARGET / "LICENSE").read_text()


COURSE_BOOKS = (
    "huyen2022designing",
    "mcmahon2023mlengineering",
    "raj2021engineering",
    "treveil2020introducing",
    "gift2021practical",
    "burkov2020mlengineering",
    "wilson2022inaction",
)


@pytest.mark.parametrize("key", COURSE_BOOKS)
def test_course_bibliography_is_cited_in_the_chapters(key):
    """Cada libro de la bibliografía del curso se cita donde aplica, no solo en la lista."""
    pages = [*ROOT.glob("clase*/teoria/*.md"), *ROOT.glob("clase*/README.md")]
    citing = [p for p in pages if key in p.read_text()]
    assert citing, f"{key} no se cita en ninguna página de las clases"


THEORY_PAGES = sorted(ROOT.glob("clase*/teoria/*.md"))


def h2_headings(text: str) -> list[str]:
    """Títulos `## ` fuera de los bloques de código."""
    headings, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            headings.append(line[3:].strip())
    return headings


@pytest.mark.parametrize(
    "page", THEORY_PAGES, ids=[p.relative_to(ROOT).as_posix() for p in THEORY_PAGES]
)
def test_theory_pages_open_with_objectives_and_close_with_summary(page):
    headings = h2_headings(page.read_text())
    assert headings[:1] == ["Objetivos"], f"la primera sección debe ser «Objetivos»: {headings}"
    assert headings[-2:] == ["Resumen", "Para profundizar"], f"cierre esperado: {headings[-2:]}"


def test_every_diagram_svg_matches_its_dot_source():
    """Los SVG guardados corresponden a su .dot (sin Graphviz: la marca guarda el sha256)."""
    from coursekit.dev import diagrams

    sources = diagrams.sources()
    assert sources, "no hay diagramas .dot"
    stale = [str(d.relative_to(ROOT)) for d in sources if not diagrams.is_current(d)]
    assert not stale, f"SVG desactualizados: `python -m coursekit.dev.diagrams`: {stale}"
    empty = [
        str(d.relative_to(ROOT))
        for d in sources
        if "graph" not in d.read_text() or 'class="node"' not in d.with_suffix(".svg").read_text()
    ]
    assert not empty, f"diagramas vacíos (sin grafo o sin nodos dibujados): {empty}"
    # XML bien formado: algo antes de la declaración `<?xml …?>` y el navegador no lo dibuja.
    broken = []
    for dot in sources:
        try:
            ElementTree.parse(dot.with_suffix(".svg"))
        except ElementTree.ParseError as error:
            broken.append(f"{dot.with_suffix('.svg').relative_to(ROOT)}: {error}")
    assert not broken, f"SVG que no son XML válido: {broken}"


@pytest.mark.skipif(shutil.which("dot") is None, reason="sin Graphviz no se puede redibujar")
def test_diagrams_render_with_graphviz(tmp_path):
    """Donde hay Graphviz, cada .dot se dibuja sin errores."""
    from coursekit.dev import diagrams

    for dot in diagrams.sources():
        result = run("dot", "-Tsvg", str(dot), "-o", str(tmp_path / "x.svg"))
        assert result.returncode == 0, f"{dot.name}: {result.stderr}"


def test_test_modules_have_unique_names():
    """pytest importa cada archivo de prueba por su nombre (sin paquetes en tests/): dos
    `test_x.py` en carpetas distintas chocan («import file mismatch») según el orden en que se
    recolectan. Cada nombre, una sola vez."""
    names = [p.name for p in (ROOT / "tests").rglob("test_*.py")]
    repeated = sorted({n for n in names if names.count(n) > 1})
    assert not repeated, f"nombres de archivo de prueba repetidos: {repeated}"
