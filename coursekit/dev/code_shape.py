"""Forma del código que copian los estudiantes: tamaño, efectos al importar, límites entre clases.

Las reglas están en CONTRIBUTING.md («Forma del código») y las hace cumplir
`tests/test_code_shape.py`. Este módulo solo mide; el informe sirve para ver el estado:

    python -m coursekit.dev.code_shape            # tabla módulo → líneas → función más larga
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 250
MAX_FUNCTION_LINES = 40

# Carpetas raíz de importación de cada área: lo que está en sys.path cuando corre su código.
AREAS: dict[str, tuple[str, ...]] = {
    **{f"clase{n}": (f"clase{n}/hands-on",) for n in range(1, 8)},
    "clase8": ("clase8/hands-on", "clase8/proyecto", "clase8/plantilla/src"),
    "coursekit": (".",),
    "stack": ("stack",),
}
# Partes de ruta que no son código para copiar: generado, de terceros, pruebas, datos.
EXCLUDED_PARTS = {"node_modules", "graphiql_static", "artifacts", "__pycache__", "tests", "dev"}
GENERATED = re.compile(r"_pb2(_grpc)?\.py$")


@dataclass(frozen=True)
class Module:
    area: str
    root: Path  # carpeta que va en sys.path
    path: Path

    @property
    def rel(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def dotted(self) -> str:
        parts = list(self.path.relative_to(self.root).with_suffix("").parts)
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    @property
    def importable(self) -> bool:
        """Los DAG necesitan Airflow (otro entorno): se revisan solo de forma estática."""
        return "dags" not in self.path.relative_to(self.root).parts


def modules(area: str) -> list[Module]:
    found = []
    for root_name in AREAS[area]:
        root = ROOT / root_name
        pattern = "coursekit/**/*.py" if area == "coursekit" else "**/*.py"
        for path in sorted(root.glob(pattern)):
            parts = set(path.relative_to(root).parts)
            if parts & EXCLUDED_PARTS or GENERATED.search(path.name):
                continue
            found.append(Module(area, root, path))
    return found


def notebooks(area: str) -> list[Path]:
    if not area.startswith("clase"):
        return []
    return sorted((ROOT / area / "hands-on").glob("*.ipynb"))


def notebook_code(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    code = [c["source"] for c in cells if c["cell_type"] == "code"]
    lines = ["".join(src) if isinstance(src, list) else src for src in code]
    # Las líneas mágicas de IPython (%, !) no son Python.
    return "\n".join(
        ln for cell in lines for ln in cell.splitlines() if ln.lstrip()[:1] not in "%!"
    )


# ------------------------------------------------------------------------------ tamaños
def is_argparse(node: ast.AST) -> bool:
    """Las funciones que declaran una CLI con argparse quedan fuera del límite de largo."""
    return any(
        isinstance(n, ast.Attribute) and n.attr in ("add_argument", "add_parser")
        for n in ast.walk(node)
    )


def function_lengths(tree: ast.AST) -> dict[str, int]:
    """Nombre calificado → líneas (desde `def`, sin decoradores), para cada función."""
    lengths: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                if not is_argparse(child):
                    lengths[name] = child.end_lineno - child.lineno + 1
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return lengths


def size_report(module: Module) -> tuple[int, str, int]:
    """(líneas del módulo, función más larga, sus líneas)."""
    text = module.path.read_text()
    lengths = function_lengths(ast.parse(text))
    longest = max(lengths, key=lengths.get, default="")
    return len(text.splitlines()), longest, lengths.get(longest, 0)


# ------------------------------------------------------------------ chequeos estáticos
def _is_sys_path(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "path"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def sys_path_edits(source: str) -> list[int]:
    """Líneas que modifican sys.path (insert, append, asignación...)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if _is_sys_path(node.func.value):
                lines.append(node.lineno)
        elif isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_is_sys_path(t) for t in targets):
                lines.append(node.lineno)
    return lines


def app_built_at_import(source: str) -> list[int]:
    """Líneas de primer nivel que arman la app al importar (`app = create_app()`) o que
    definen `__getattr__` de módulo para hacerlo: usar `uvicorn --factory pkg.app:create_app`."""
    lines = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            lines.append(node.lineno)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "create_app":
                lines.append(node.lineno)
    return lines


def imported_names(source: str) -> set[str]:
    """Nombres de primer nivel que importa el código (absolutos)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def top_level_names(area: str) -> set[str]:
    """Módulos y paquetes de primer nivel que ofrecen las carpetas raíz de un área."""
    names = set()
    for root_name in AREAS[area]:
        for path in (ROOT / root_name).iterdir():
            if path.suffix == ".py" or (path / "__init__.py").exists():
                names.add(path.stem)
    return names


def cross_chapter_imports(area: str) -> list[str]:
    """`archivo: nombre` por cada import de un módulo que vive en otra clase."""
    own = top_level_names(area)
    others = {
        name: other
        for other in AREAS
        if other.startswith("clase") and other != area
        for name in top_level_names(other) - own
    }
    found = []
    sources = [(m.rel, m.path.read_text()) for m in modules(area)]
    sources += [(nb.relative_to(ROOT).as_posix(), notebook_code(nb)) for nb in notebooks(area)]
    for rel, source in sources:
        for name in sorted(imported_names(source) & set(others)):
            found.append(f"{rel}: importa {name} ({others[name]})")
    return found


# ------------------------------------------------------------------ chequeo dinámico
_PROBE = Path(__file__).with_name("import_probe.py")
# Código generado que un área necesita antes de importar sus módulos (no está en git).
PREPARE = {"clase3": "import inference_codegen; inference_codegen.ensure()"}


def import_effects(area: str) -> dict[str, list[str]]:
    """Importa cada módulo del área en un intérprete nuevo y devuelve sus efectos."""
    report: dict[str, list[str]] = {}
    if area in PREPARE:
        root = ROOT / AREAS[area][0]
        subprocess.run([sys.executable, "-c", PREPARE[area]], cwd=root, check=True, timeout=300)
    for root_name in AREAS[area]:
        mods = [m for m in modules(area) if m.importable and m.root == ROOT / root_name]
        if not mods:
            continue
        names = [m.dotted for m in mods]
        result = subprocess.run(
            [sys.executable, str(_PROBE), str(ROOT / root_name), *names],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=ROOT / root_name,
        )
        if result.returncode != 0:
            raise RuntimeError(f"falló el chequeo de importación de {area}:\n{result.stderr}")
        effects = json.loads(result.stdout.splitlines()[-1])
        report.update({f"{root_name}/{name}": found for name, found in effects.items() if found})
    return report


def main() -> None:
    print(f"{'módulo':62} {'líneas':>6}  función más larga")
    for area in AREAS:
        for module in modules(area):
            lines, name, length = size_report(module)
            flag = " *" if lines > MAX_MODULE_LINES or length > MAX_FUNCTION_LINES else ""
            print(f"{module.rel:62} {lines:6}  {name} ({length}){flag}")


if __name__ == "__main__":
    main()
