"""Directiva `nbstatus`: tabla con el estado de cada notebook del libro.

Para cada notebook muestra los servicios que necesita (de su recuadro "Requisitos") y, si existe
`_build/nbstatus/` (un JSON por notebook que escribe `make test` al verificar cada notebook con
nbval, después del chequeo de procesos y puertos), la fecha de
la última verificación, si fue en CI, cuánto tardó y el resultado. Nada está escrito a mano.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
from docutils import nodes
from ext_version import env_version
from sphinx.util.docutils import SphinxDirective

SERVICES_LINE = re.compile(r"\*\*Servicios:\*\*\s*(.+)")


def title_and_services(path: Path) -> tuple[str, str]:
    """Título (el primer `# …`) y servicios del recuadro Requisitos, sin la explicación."""
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]
    title = cells[0].source.splitlines()[0].lstrip("# ").strip() if cells else path.stem
    for cell in cells:
        match = SERVICES_LINE.search(cell.source) if "Requisitos" in cell.source else None
        if match:
            return title, re.split(r"[.(]", match.group(1))[0].strip()
    return title, "(sin recuadro de requisitos)"


class NotebookStatus(SphinxDirective):
    has_content = False

    def run(self):
        root = Path(self.env.srcdir)
        status = {}
        status_dir = root / "_build" / "nbstatus"
        if status_dir.exists():  # la carpeta cambia de fecha cuando se agrega un notebook
            self.env.note_dependency(str(status_dir))
        for status_file in sorted(status_dir.glob("*.json")):
            status.update(json.loads(status_file.read_text()))
            self.env.note_dependency(str(status_file))
        headers = ["Notebook", "Servicios", "Última verificación", "Duración", "Celdas", "nbval"]
        rows = []
        for path in sorted(root.glob("clase*/hands-on/*.ipynb")):
            rel = path.relative_to(root).as_posix()
            if rel[: -len(".ipynb")] not in self.env.found_docs:
                continue  # solo los notebooks publicados (los que están en _toc.yml)
            result = status.get(rel)
            if result is None:
                verified, seconds, cells, outcome = "sin datos", "—", "—", "sin datos"
            else:
                where = "CI" if result["in_ci"] else "local"
                verified = f"{result['finished_at']} ({where})"
                seconds = f"{result['seconds']:.0f} s"
                cells = str(result["passed"] + result["failed"])
                outcome = "✔ pasa" if result["ok"] else f"✘ {result['failed']} celda(s) fallan"
            title, services = title_and_services(path)
            link = self._doc_link(rel[: -len(".ipynb")], f"{path.parents[1].name}: {title}")
            rows.append([link, services, verified, seconds, cells, outcome])
        return [self._table(headers, rows)]

    def _doc_link(self, docname: str, text: str) -> nodes.Node:
        ref = nodes.reference("", text, internal=True)
        ref["refuri"] = self.env.app.builder.get_relative_uri(self.env.docname, docname)
        para = nodes.paragraph()
        para += ref
        return para

    def _table(self, headers: list[str], rows: list[list]) -> nodes.table:
        table = nodes.table(classes=["nbstatus"])
        group = nodes.tgroup(cols=len(headers))
        table += group
        group.extend(nodes.colspec(colwidth=1) for _ in headers)
        thead = nodes.thead()
        thead += self._row(headers)
        tbody = nodes.tbody()
        tbody.extend(self._row(r) for r in rows)
        group += thead
        group += tbody
        return table

    @staticmethod
    def _row(cells: list) -> nodes.row:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=str(cell))
            row += entry
        return row


def setup(app):
    app.add_directive("nbstatus", NotebookStatus)
    return {
        "env_version": env_version(__file__),  # editar la extensión rehace el sitio
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
