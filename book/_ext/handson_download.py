"""Descargas para quien no clona el repositorio: la carpeta `hands-on/` de cada clase en un .zip.

- Directiva `{handson-download}` en la página de cada clase: enlace al .zip y lo que trae.
- En cada notebook, el menú de descarga del tema suma «carpeta de la clase (.zip)» y dice qué
  archivos locales usa además del .ipynb (módulos y paquetes que importa, `coursekit`).
- El .zip (en `_build/html/_downloads/practicas/`) trae los notebooks, el código que importan,
  `coursekit/` (la plomería de los notebooks), `requirements.txt` (el lock completo del libro) y
  un README con el único comando que instala todo.
"""

from __future__ import annotations

import ast
import json
import re
import zipfile
from pathlib import Path

from docutils import nodes
from ext_version import env_version
from sphinx.util.docutils import SphinxDirective

ZIP_FOLDER = "_downloads/practicas"
SKIP = {"artifacts", "node_modules", "__pycache__", ".ipynb_checkpoints", "dev"}
GENERATED = re.compile(r"_pb2(_grpc)?\.pyi?$")
EXTRA_FOLDERS = {"clase8": ["clase8/proyecto"]}  # código que la clase usa fuera de hands-on/
STACK_CALL = re.compile(r"stack\.require\(([^)]*)\)")


def zip_name(chapter: str) -> str:
    return f"{chapter}-hands-on.zip"


def members(root: Path, chapter: str) -> list[tuple[Path, str]]:
    """(archivo, ruta dentro del .zip): hands-on/ en la raíz, coursekit/ y lo extra al lado."""
    folders = [(root / chapter / "hands-on", "")]
    folders += [(root / extra, Path(extra).name + "/") for extra in EXTRA_FOLDERS.get(chapter, [])]
    folders.append((root / "coursekit", "coursekit/"))
    found = []
    for folder, prefix in folders:
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if path.is_file() and not SKIP & set(rel.parts) and not GENERATED.search(path.name):
                found.append((path, f"{chapter}-hands-on/{prefix}{rel.as_posix()}"))
    return found


def services(root: Path, chapter: str) -> list[str]:
    """Servicios del stack que piden los notebooks de la clase (`stack.require(...)`)."""
    names = set()
    for notebook in (root / chapter / "hands-on").glob("*.ipynb"):
        for call in STACK_CALL.findall(notebook.read_text()):
            names |= set(re.findall(r'\\?"(\w+)\\?"', call))
    return sorted(names)


def readme(chapter: str, needed: list[str]) -> str:
    stack = (
        f"Los notebooks usan el stack del curso ({', '.join(needed)}): en el repositorio completo, "
        "`make stack-up` (sin Docker) o `docker compose --profile <perfil> up -d`."
        if needed
        else "Los notebooks no necesitan servicios externos: levantan sus propios servidores."
    )
    return (
        f"# Práctica de la {chapter.replace('clase', 'Clase ')}\n\n"
        "Con Python 3.11, desde esta carpeta (un solo comando instala todo, con las versiones "
        "exactas del libro):\n\n"
        "    python3.11 -m venv .venv && .venv/bin/pip install -r requirements.txt\n"
        "    .venv/bin/jupyter lab\n\n"
        f"{stack}\n"
    )


def build_zip(root: Path, outdir: Path, chapter: str) -> Path:
    target = outdir / ZIP_FOLDER / zip_name(chapter)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, arcname in members(root, chapter):
            archive.write(path, arcname)
        archive.write(root / "requirements.lock.txt", f"{chapter}-hands-on/requirements.txt")
        archive.writestr(f"{chapter}-hands-on/README.md", readme(chapter, services(root, chapter)))
    return target


def local_imports(notebook: Path) -> list[str]:
    """Archivos y paquetes de la carpeta del notebook que sus celdas importan."""
    folder = notebook.parent
    local = {p.stem: p.name + ("/" if p.is_dir() else "") for p in folder.iterdir()}
    cells = json.loads(notebook.read_text())["cells"]
    names = set()
    for cell in (c for c in cells if c["cell_type"] == "code"):
        source = "\n".join(
            ln for ln in "".join(cell["source"]).splitlines() if ln.lstrip()[:1] not in "%!"
        )
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return sorted(local[n] for n in names if n in local) + ["coursekit/"]


class HandsOnDownload(SphinxDirective):
    """Enlace al .zip de la práctica de la clase de esta página."""

    def run(self):
        chapter = self.env.docname.split("/")[0]
        uri = self.env.app.builder.get_target_uri(self.env.docname)
        depth = uri.count("/")
        link = nodes.reference(
            "", f"Descargar la práctica de la clase ({zip_name(chapter)})", internal=False
        )
        link["refuri"] = "../" * depth + f"{ZIP_FOLDER}/{zip_name(chapter)}"
        text = nodes.paragraph()
        text += link
        text += nodes.Text(
            ": notebooks, el código que importan, coursekit/, requirements.txt y un README con "
            "el comando que instala todo."
        )
        return [text]


def add_notebook_download(app, pagename, templatename, context, doctree) -> None:
    """En el menú de descarga de un notebook: la carpeta de la clase y lo que el notebook usa."""
    source = Path(app.srcdir) / f"{pagename}.ipynb"
    if not source.exists() or "/hands-on/" not in f"/{pagename}":
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            needs = ", ".join(local_imports(source))
            group["buttons"].append(
                {
                    "type": "link",
                    "url": context["pathto"](f"{ZIP_FOLDER}/{zip_name(pagename.split('/')[0])}", 1),
                    "text": "clase (.zip)",
                    "tooltip": f"Carpeta de la clase: este notebook usa además {needs}",
                    "icon": "fas fa-file-zipper",
                    "label": "download-handson-button",
                }
            )


def on_build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    root = Path(app.srcdir)
    for chapter in sorted(p.parent.name for p in root.glob("clase*/hands-on")):
        build_zip(root, Path(app.outdir), chapter)


def setup(app):
    app.add_directive("handson-download", HandsOnDownload)
    app.connect("html-page-context", add_notebook_download, priority=502)
    app.connect("build-finished", on_build_finished)
    return {
        "env_version": env_version(__file__),  # editar la extensión rehace el sitio
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
