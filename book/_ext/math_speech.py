"""MathJax solo donde hay fórmulas, y con su lectura en voz en español.

1. Sphinx incluye MathJax (2,2 MB) en toda página con nodos de matemática, y myst-nb los crea
   para las salidas `text/latex` de los notebooks aunque la página muestre otra versión de esa
   salida (p. ej. el HTML del código fuente): casi todos los notebooks cargaban MathJax sin tener
   una sola fórmula a la vista. Aquí se mira el HTML ya generado: sin `class="math…"`, sin MathJax.
2. En las páginas con fórmulas se carga además el explorador accesible de MathJax: cada fórmula
   lleva su lectura en español en `aria-label` (Speech Rule Engine y sus reglas, unos 2 MB,
   servidos por el sitio) y se recorre con el teclado. MathJax ya agrega MathML oculto para los
   lectores de pantalla que lo leen por su cuenta.

`tests/test_site.py` verifica ambas cosas en el navegador.
"""

from __future__ import annotations

import json

from ext_version import env_version

MATH_MARK = 'class="math'
SPEECH_CONFIG = {"loader": {"load": ["a11y/explorer"]}, "options": {"sre": {"locale": "es"}}}


def speech_script() -> str:
    """Suma la configuración a la de Sphinx (`window.MathJax`, definida antes)."""
    config = json.dumps(SPEECH_CONFIG)
    return (
        f"(function (extra) {{ var mj = window.MathJax = window.MathJax || {{}};"
        f" mj.loader = Object.assign(mj.loader || {{}}, extra.loader);"
        f" mj.options = Object.assign(mj.options || {{}}, extra.options); }})({config});"
    )


def is_mathjax(script, mathjax_path: str) -> bool:
    body = script.attributes.get("body", "")
    filename = str(script.filename or "")  # a veces llega con el prefijo `_static/`
    return (filename and filename.endswith(mathjax_path)) or body.startswith("window.MathJax")


def on_html_page_context(app, pagename, templatename, context, doctree) -> None:
    if "script_files" not in context:
        return
    if MATH_MARK in context.get("body", ""):
        app.add_js_file(None, body=speech_script(), priority=510)  # después de window.MathJax
    else:
        path = app.config.mathjax_path
        context["script_files"] = [s for s in context["script_files"] if not is_mathjax(s, path)]


def setup(app):
    # Después de sphinx.ext.mathjax (prioridad 500), que agrega MathJax en este mismo evento.
    app.connect("html-page-context", on_html_page_context, priority=800)
    return {
        "env_version": env_version(__file__),  # editar la extensión rehace el sitio
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
