"""Importa módulos en este intérprete y anota lo que cada import hace además de definir cosas.

    python import_probe.py CARPETA_RAIZ modulo1 paquete.modulo2 ...

Imprime en la última línea un JSON {módulo: [efectos]}: variables de entorno escritas,
sys.path modificado, hilos o procesos iniciados, archivos del repositorio abiertos, conexiones
de red. Las bibliotecas de terceros se importan antes de medir, así sus efectos no cuentan.
Lo usa coursekit.dev.code_shape (regla «nada al importar» de CONTRIBUTING.md).
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import io
import json
import os
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WATCHED_EVENTS = ("socket.connect", "subprocess.Popen", "os.system", "os.fork", "os.posix_spawn")
_events: list[str] = []
_watching = False


def _audit(event: str, args: tuple) -> None:
    if not _watching:
        return
    if event == "open" and isinstance(args[0], str | Path):
        path = Path(args[0]).resolve()
        inside = path.is_relative_to(REPO) and ".venv" not in path.parts
        if inside and path.suffix not in (".py", ".pyc", ".so") and "__pycache__" not in path.parts:
            _events.append(f"abre {path.relative_to(REPO)}")
    elif event in WATCHED_EVENTS:
        _events.append(f"{event} {str(args)[:80]}")


def _third_party(root: Path, names: list[str]) -> set[str]:
    """Módulos de primer nivel que importan los módulos a medir y que no son del área."""
    local = {p.stem for p in root.iterdir()}
    found = set()
    for name in names:
        base = root.joinpath(*name.split("."))
        source_path = base.with_suffix(".py") if base.with_suffix(".py").exists() else base
        source = (source_path / "__init__.py" if source_path.is_dir() else source_path).read_text()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module)
    return {n for n in found if n.split(".")[0] not in local}


def _snapshot() -> dict:
    import psutil

    return {
        "env": dict(os.environ),
        "path": list(sys.path),
        "threads": {t.name for t in threading.enumerate()},
        "children": len(psutil.Process().children(recursive=True)),
    }


def _diff(before: dict, after: dict) -> list[str]:
    found = []
    changed = {k for k in before["env"].keys() | after["env"].keys()}
    changed = {k for k in changed if before["env"].get(k) != after["env"].get(k)}
    found += [f"escribe os.environ[{k!r}]" for k in sorted(changed)]
    if before["path"] != after["path"]:
        found.append("modifica sys.path")
    found += [f"inicia el hilo {t!r}" for t in sorted(after["threads"] - before["threads"])]
    if after["children"] > before["children"]:
        found.append("inicia procesos")
    return found


def main() -> None:
    global _watching
    root, names = Path(sys.argv[1]).resolve(), sys.argv[2:]
    sys.path.insert(0, str(root))
    sys.addaudithook(_audit)
    for name in sorted(_third_party(root, names)):
        with contextlib.suppress(Exception), contextlib.redirect_stdout(io.StringIO()):
            importlib.import_module(name)
    report = {}
    for name in names:
        before = _snapshot()
        _events.clear()
        _watching = True
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                importlib.import_module(name)
            problems = []
        except Exception as exc:  # un import que falla también es un hallazgo
            problems = [f"falla al importar: {type(exc).__name__}: {exc}"]
        _watching = False
        report[name] = problems + _diff(before, _snapshot()) + sorted(set(_events))
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
