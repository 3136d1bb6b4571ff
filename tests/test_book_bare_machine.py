"""`make book` en una máquina pelada: sin Graphviz (ni Java, Go o Node) el libro se construye,
con cada diagrama dibujado y sin DOT crudo en el HTML.

Se copia el árbol de git (los archivos versionados, como en un clon nuevo) a una carpeta
temporal y se construye con un `dot` falso primero en el PATH que sale con 127, como en una
máquina donde Graphviz no está instalado.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bare_build(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    clone = tmp_path_factory.mktemp("clon")
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, (t.decode() for t in tracked)):
        source = ROOT / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    fake_bin = tmp_path_factory.mktemp("bin")
    for tool in ("dot", "java", "go", "node", "npm"):
        (fake_bin / tool).write_text("#!/bin/sh\necho 'no instalado' >&2\nexit 127\n")
        (fake_bin / tool).chmod(0o755)
    env = {**os.environ, "PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}"}
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jupyter_book), "build", ".", "--warningiserror", "--keep-going"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return result, clone / "_build" / "html"


def test_book_builds_without_graphviz(bare_build):
    result, html = bare_build
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert (html / "index.html").exists()


def test_no_raw_dot_and_every_diagram_is_an_image(bare_build):
    _, html = bare_build
    raw = [p.relative_to(html) for p in html.rglob("*.html") if "digraph" in p.read_text()]
    assert not raw, f"DOT crudo en: {raw}"
    page = (html / "book" / "stack.html").read_text()
    assert '<img alt="Diagrama del stack' in page and "stack-1.svg" in page
