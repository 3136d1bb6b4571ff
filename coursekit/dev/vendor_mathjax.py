"""Copia MathJax al sitio desde su paquete de npm (versión fijada), para que el libro funcione
sin internet. Los archivos quedan en git: `make book` no necesita Node ni red.

    python -m coursekit.dev.vendor_mathjax      # solo al cambiar de versión (necesita npm)

Además del componente principal se copian los que el menú de MathJax (clic derecho sobre una
fórmula) carga a pedido: el explorador accesible y la voz (`a11y/`, que usa las reglas de
Speech Rule Engine en `sre/mathmaps/`) y la salida CHTML con sus fuentes. Sin ellos, activar
el explorador sin internet falla en silencio.

Speech Rule Engine trae además direcciones por defecto en un CDN que el sitio nunca usa (las reglas
se toman de `sre/mathmaps/` por `SREfeature.json`; las otras dos son para Internet Explorer). Se
reemplazan por una ruta local inexistente: si algún día se pidieran, `tests/test_site.py` lo vería
como un recurso local roto en vez de una petición a internet.

`tests/test_repo.py` verifica que lo guardado sea exactamente esta versión así tratada (un sha256
sobre todos los archivos, en orden) y que ningún archivo nombre el CDN; `tests/test_site.py` lee
las fórmulas en voz en el navegador.
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
CDN = b"https://cdn.jsdelivr.net/npm/"
NO_CDN = b"./sin-cdn/"
# Todo lo copiado, ya sin las direcciones del CDN (ver tree_digest).
TREE_SHA256 = "8754310499c45edb27182d5c4c9071b72383a6d51919d8877066654d8f073fa0"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_digest(root: Path) -> str:
    """sha256 de todos los archivos bajo `root` (ruta relativa y contenido, en orden)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def drop_cdn_defaults(root: Path) -> None:
    for path in root.rglob("*.js"):
        code = path.read_bytes()
        if CDN in code:
            path.write_bytes(code.replace(CDN, NO_CDN))


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
        package = Path(tmp) / "package"
        digest = sha256(package / "es5" / COMPONENT)
        if digest != SHA256:
            raise SystemExit(f"sha256 inesperado {digest}: actualizar SHA256 si cambió VERSION")
        copy_release(package)
    drop_cdn_defaults(TARGET)
    tree = tree_digest(TARGET)
    if tree != TREE_SHA256:
        raise SystemExit(f"sha256 del árbol inesperado {tree}: actualizar TREE_SHA256")
    print(f"MathJax {VERSION} copiado en {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
