"""Copia MathJax al sitio desde su paquete de npm (versión fijada), para que el libro funcione
sin internet. Los archivos quedan en git: `make book` no necesita Node ni red.

    python -m coursekit.dev.vendor_mathjax      # solo al cambiar de versión (necesita npm)

`tests/test_repo.py` verifica que el archivo guardado sea exactamente el de esta versión.
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
COMPONENT = "es5/tex-svg-full.js"
SHA256 = "a4354ff94fd868aea0cc6eaaa79a57fda0588646fc46ee3700a349ee0a11cbe6"
TARGET = ROOT / "book" / "_static" / "mathjax"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"mathjax@{VERSION}", "--silent"], cwd=tmp, check=True)
        with tarfile.open(Path(tmp) / f"mathjax-{VERSION}.tgz") as archive:
            archive.extractall(tmp, filter="data")
        package = Path(tmp) / "package"
        TARGET.mkdir(parents=True, exist_ok=True)
        shutil.copy(package / COMPONENT, TARGET / Path(COMPONENT).name)
        shutil.copy(package / "LICENSE", TARGET / "LICENSE")
    digest = sha256(TARGET / Path(COMPONENT).name)
    if digest != SHA256:
        raise SystemExit(f"sha256 inesperado {digest}: actualizar SHA256 si cambió VERSION")
    print(f"MathJax {VERSION} copiado en {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
