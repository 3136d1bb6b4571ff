"""Copia MathJax al sitio desde su paquete de npm (versión fijada), para que el libro funcione
sin internet. Los archivos quedan en git: `make book` no necesita Node ni red.

    python -m coursekit.dev.vendor_mathjax      # solo al cambiar de versión (necesita npm)

Además del componente principal se copian los que el menú de MathJax (clic derecho sobre una
fórmula) carga a pedido: el explorador accesible y la voz (`a11y/`, que usa las reglas de
Speech Rule Engine en `sre/mathmaps/`) y la salida CHTML con sus fuentes. Sin ellos, activar
el explorador sin internet falla en silencio.

`tests/test_repo.py` verifica que lo guardado sea exactamente esta versión (un sha256 sobre
todos los archivos, en orden) y `tests/test_site.py` activa el explorador en el navegador.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VERSION = "3.2.2"
# Componente "todo en uno": TeX con todas sus extensiones y salida SVG (sin fuentes aparte).
COMPONENT = "tex-svg-full.js"
# Lo que el menú carga a pedido (rutas dentro de es5/ del paquete).
ON_DEMAND = ("a11y", "sre", "input/mml.js", "input/mml", "output/chtml.js", "output/chtml")
SHA256 = "a4354ff94fd868aea0cc6eaaa79a57fda0588646fc46ee3700a349ee0a11cbe6"
TARGET = ROOT / "book" / "_static" / "mathjax"
# Todo lo copiado (ver tree_digest).
TREE_SHA256 = "c5ed83ffddd047fbbb6f7feb94a04d04f2623ea997313ab08abdbf4333f87005"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_digest(root: Path) -> str:
    """sha256 de todos los archivos bajo `root` (ruta relativa y contenido, en orden)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def copy_release(package: Path) -> None:
    es5 = package / "es5"
    if TARGET.exists():
        shutil.rmtree(TARGET)
    TARGET.mkdir(parents=True)
    shutil.copy(es5 / COMPONENT, TARGET / COMPONENT)
    for name in ON_DEMAND:
        source, target = es5 / name, TARGET / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy(source, target)
    shutil.copy(package / "LICENSE", TARGET / "LICENSE")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"mathjax@{VERSION}", "--silent"], cwd=tmp, check=True)
        with tarfile.open(Path(tmp) / f"mathjax-{VERSION}.tgz") as archive:
            archive.extractall(tmp, filter="data")
        copy_release(Path(tmp) / "package")
    digest = sha256(TARGET / COMPONENT)
    if digest != SHA256:
        raise SystemExit(f"sha256 inesperado {digest}: actualizar SHA256 si cambió VERSION")
    tree = tree_digest(TARGET)
    if tree != TREE_SHA256:
        raise SystemExit(f"sha256 del árbol inesperado {tree}: actualizar TREE_SHA256")
    print(f"MathJax {VERSION} copiado en {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
