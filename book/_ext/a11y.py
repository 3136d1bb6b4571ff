"""Accesibilidad del HTML generado: arreglos que el tema y docutils no traen.

1. Menú lateral: nombre accesible para cada `<summary>` desplegable.

El tema dibuja, junto a cada capítulo con subpáginas, un `<summary>` que solo contiene un ícono:
un lector de pantalla anuncia «botón» sin decir qué despliega (regla `summary-name` de axe,
WCAG 4.1.2). Al terminar la construcción se le agrega `aria-label` con el título del capítulo.

2. Bibliografía: docutils marca la lista de citas con `role="list"` pero sus hijos son
`doc-biblioentry`, no `listitem` (regla `aria-required-children`, crítica): se quita el rol.
`tests/test_site.py` lo verifica con axe-core en cada página.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ext_version import env_version

# <a ...>Título</a><details ...><summary>  →  el título nombra al summary que lo sigue
TOGGLE = re.compile(
    r'(<a class="[^"]*reference internal[^"]*"[^>]*>(?P<title>.*?)</a>\s*<details[^>]*>)'
    r"\s*<summary>"
)
TAGS = re.compile(r"<[^>]+>")
CITATION_LIST = '<div role="list" class="citation-list">'


def label_toggles(page: str) -> str:
    def add_label(match: re.Match) -> str:
        title = html.unescape(TAGS.sub("", match["title"])).strip()
        label = html.escape(f"Mostrar u ocultar las páginas de «{title}»", quote=True)
        return f'{match.group(1)}<summary aria-label="{label}">'

    return TOGGLE.sub(add_label, page)


def on_build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        labelled = label_toggles(text).replace(CITATION_LIST, '<div class="citation-list">')
        if labelled != text:
            path.write_text(labelled, encoding="utf-8")


def setup(app):
    app.connect("build-finished", on_build_finished)
    return {
        "env_version": env_version(__file__),  # editar la extensión rehace el sitio
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
