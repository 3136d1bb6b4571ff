"""Reglas de forma del código de las clases (CONTRIBUTING.md, «Forma del código»).

1. Un módulo para enseñar tiene como mucho ~250 líneas; una función, 40 (argparse aparte).
2. Nada ocurre al importar: ni E/S, ni hilos ni procesos, ni `os.environ` ni `sys.path`,
   ni la app armada desde el entorno.
3. Ninguna clase importa código de otra.
4. Un concepto compartido (errores problem+json, salud/preparación, recarga del campeón)
   tiene UN archivo canónico, copiado tal cual donde se usa.

Las excepciones justificadas están abajo, con su motivo; una excepción que ya no hace falta
también hace fallar la prueba, para que la lista no envejezca.
"""

from __future__ import annotations

import ast

import pytest

from coursekit.dev import code_shape as cs

AREAS = list(cs.AREAS)

# módulo → motivo por el que puede superar MAX_MODULE_LINES
LONG_MODULES: dict[str, str] = {}
# "módulo::función" → motivo por el que puede superar MAX_FUNCTION_LINES
LONG_FUNCTIONS: dict[str, str] = {}
# módulo → efectos al importar permitidos, con motivo
IMPORT_EFFECTS: dict[str, str] = {}

# Archivo compartido → su copia canónica. Toda otra copia (mismo nombre) debe ser idéntica.
CANONICAL = {
    "problems.py": "clase1/hands-on/iris_api/problems.py",
    "health.py": "clase1/hands-on/iris_api/health.py",
    "champion.py": "clase5/hands-on/lake_service/champion.py",
}


@pytest.mark.parametrize("area", AREAS)
def test_module_and_function_size(area):
    too_long = []
    for module in cs.modules(area):
        text = module.path.read_text()
        lines = len(text.splitlines())
        if lines > cs.MAX_MODULE_LINES and module.rel not in LONG_MODULES:
            too_long.append(f"{module.rel}: {lines} líneas (máximo {cs.MAX_MODULE_LINES})")
        for name, length in cs.function_lengths(ast.parse(text)).items():
            key = f"{module.rel}::{name}"
            if length > cs.MAX_FUNCTION_LINES and key not in LONG_FUNCTIONS:
                too_long.append(f"{key}: {length} líneas (máximo {cs.MAX_FUNCTION_LINES})")
    assert not too_long, "Partir en módulos o funciones más chicos:\n" + "\n".join(too_long)


@pytest.mark.parametrize("area", AREAS)
def test_nothing_happens_at_import(area):
    effects = {k: v for k, v in cs.import_effects(area).items() if k not in IMPORT_EFFECTS}
    assert not effects, "Efectos al importar:\n" + "\n".join(
        f"{module}: {', '.join(found)}" for module, found in effects.items()
    )


@pytest.mark.parametrize("area", AREAS)
def test_no_sys_path_edits_nor_app_at_import(area):
    found = []
    sources = [(m.rel, m.path.read_text()) for m in cs.modules(area)]
    sources += [
        (nb.relative_to(cs.ROOT).as_posix(), cs.notebook_code(nb)) for nb in cs.notebooks(area)
    ]
    for rel, source in sources:
        found += [f"{rel}:{line}: modifica sys.path" for line in cs.sys_path_edits(source)]
        found += [
            f"{rel}:{line}: arma la app al importar" for line in cs.app_built_at_import(source)
        ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("area", [a for a in AREAS if a.startswith("clase")])
def test_no_imports_between_chapters(area):
    found = cs.cross_chapter_imports(area)
    assert not found, "Cada clase se copia sola; copiar el código en vez de importarlo:\n" + (
        "\n".join(found)
    )


@pytest.mark.parametrize("name", sorted(CANONICAL))
def test_shared_files_are_verbatim_copies(name):
    canonical = cs.ROOT / CANONICAL[name]
    copies = [m.path for area in AREAS for m in cs.modules(area) if m.path.name == name]
    assert canonical in copies, f"falta el archivo canónico {CANONICAL[name]}"
    assert len(copies) >= 2, f"{name} no se comparte: ¿sigue haciendo falta como canónico?"
    text = canonical.read_text()
    drifted = [p.relative_to(cs.ROOT).as_posix() for p in copies if p.read_text() != text]
    assert not drifted, f"Copias de {CANONICAL[name]} que difieren (copiar tal cual): {drifted}"


def test_exceptions_are_still_needed():
    """Una excepción sin uso se borra: la lista dice solo la verdad de hoy."""
    stale = [m for m in LONG_MODULES if not (cs.ROOT / m).exists()]
    stale += [k for k in LONG_FUNCTIONS if not (cs.ROOT / k.split("::")[0]).exists()]
    for key in LONG_MODULES:
        if (cs.ROOT / key).exists() and len((cs.ROOT / key).read_text().splitlines()) <= 250:
            stale.append(key)
    assert not stale, f"Excepciones que ya no aplican: {stale}"
