"""Un término por concepto en todo el libro, el del glosario, y español neutro (sin voseo ni tuteo).

Se revisa lo que lee un estudiante: páginas, notebooks (texto y código: comentarios y mensajes),
código de las clases y mensajes de las herramientas.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# variante no preferida → término del glosario
PREFERRED = {
    r"t[óo]picos?": "tema (topic de Kafka)",
    r"cabeceras?": "encabezado (header HTTP)",
    r"asincr[óo]nic[oa]s?": "asíncrono",
    r"ac[áa]": "aquí",
}
# Voseo y tuteo: el libro usa formas impersonales («se levanta», «levantarlo»).
NOT_NEUTRAL = (
    r"tú|tenés|podés|querés|sabés|fijate|mirá|probá|usá|corré|ejecutá|instalá|abrí|"
    r"levantalo|levantala|levantá|revisá|agregá|cambiá|escribí|copiá|elegí|"
    r"tienes|puedes|quieres|sabes|tu máquina|tus datos|andando|chic[oa]s?"
)
AREAS = [f"clase{n}" for n in range(1, 9)] + ["book", "coursekit", "stack", "raíz"]
SKIP_PARTS = {"node_modules", "graphiql_static", "_static", "artifacts", "figuras"}


def files(area: str) -> list[Path]:
    if area == "raíz":
        return [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "Makefile"]
    found = []
    for pattern in ("**/*.md", "**/*.ipynb", "**/*.py"):
        found += [
            p
            for p in (ROOT / area).glob(pattern)
            if not SKIP_PARTS & set(p.relative_to(ROOT).parts)
        ]
    return sorted(found)


def readable_text(path: Path) -> str:
    if path.suffix != ".ipynb":
        return path.read_text(encoding="utf-8")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells)  # sin salidas: las genera el código


def findings(text: str, label: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for variant, preferred in PREFERRED.items():
            for match in re.finditer(rf"\b{variant}\b", line, flags=re.IGNORECASE):
                found.append(f"{label}:{number}: «{match[0]}» → {preferred}")
        for match in re.finditer(rf"\b({NOT_NEUTRAL})\b", line, flags=re.IGNORECASE):
            found.append(f"{label}:{number}: «{match[0]}» no es español neutro")
    return found


@pytest.mark.parametrize("area", AREAS)
def test_one_term_per_concept_and_neutral_spanish(area):
    found = []
    for path in files(area):
        found += findings(readable_text(path), str(path.relative_to(ROOT)))
    assert not found, "Usar el término del glosario y formas neutras:\n" + "\n".join(found)


def test_the_check_can_fail():
    assert len(findings("El tópico tiene una cabecera; levantalo acá.", "ejemplo")) == 4
