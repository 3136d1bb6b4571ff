"""Cada `<script>` una sola vez por página.

Con jupyter-book 1.x, la configuración de sphinx-thebe (`const THEBE_JS_URL = …`) llega dos veces a
cada página con código (el mismo cuerpo, agregado por dos caminos con distinta prioridad): la página
declara la misma constante dos veces y el navegador aborta el segundo script con `SyntaxError`.
Antes de escribir cada página se quitan los scripts repetidos (mismo archivo o mismo cuerpo).
`tests/test_site.py` falla ante cualquier error de JavaScript en una página.
"""

from __future__ import annotations

from ext_version import env_version


def script_key(script) -> tuple:
    """Mismo archivo y mismos atributos (incluido el cuerpo), aunque cambie la prioridad.
    Un script sin archivo llega con `filename` None o "" según quién lo agregó."""
    return (script.filename or "", tuple(sorted(script.attributes.items())))


def on_html_page_context(app, pagename, templatename, context, doctree) -> None:
    seen: set[tuple] = set()
    unique = []
    for script in context.get("script_files", []):
        if script_key(script) not in seen:
            seen.add(script_key(script))
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", on_html_page_context, priority=900)  # después de los demás
    return {
        "env_version": env_version(__file__),  # editar la extensión rehace el sitio
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
