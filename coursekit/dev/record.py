"""Graba las salidas de los notebooks: los ejecuta de punta a punta y los normaliza.

    python -m coursekit.dev.record             # todos los notebooks del libro
    python -m coursekit.dev.record clase1      # los de una clase
    python -m coursekit.dev.record clase1/hands-on/01_validacion_entradas.ipynb

Normalizar = contadores de ejecución 1, 2, 3…, ids de celda estables y metadatos mínimos,
para que el diff de git muestre solo cambios reales. (`make record` llama a este módulo.)
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
KEEP_CELL_METADATA = {"tags"}
CELL_TIMEOUT_S = 600
RECORD_MARK = "MLOPS2_RECORD_SESSION"  # marca heredada por el kernel y lo que este lance


def find_notebooks(targets: list[str]) -> list[Path]:
    if not targets:
        return sorted(ROOT.glob("clase*/hands-on/*.ipynb"))
    found: list[Path] = []
    for target in targets:
        path = Path(target).resolve()
        if path.is_dir():
            found += sorted(path.glob("**/hands-on/*.ipynb")) or sorted(path.glob("*.ipynb"))
        elif path.suffix == ".ipynb" and path.exists():
            found.append(path)
        else:
            raise SystemExit(f"No existe el notebook o la carpeta: {target}")
    return found


def normalize(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Deja solo lo que importa: código, texto, salidas y etiquetas."""
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    count = 0
    for index, cell in enumerate(nb.cells, start=1):
        cell.id = f"c{index:03d}"
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA}
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            for output in cell.outputs:
                if "execution_count" in output:
                    output.execution_count = count
    return nb


def record(path: Path) -> float:
    """Ejecuta el notebook y lo guarda normalizado. Si falla, no se guarda nada y se detiene
    lo que haya quedado corriendo (la sección Limpieza no llegó a ejecutarse)."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    mark = f"{os.getpid()}-{time.time()}"
    os.environ[RECORD_MARK] = mark  # el kernel y todo lo que lance lo heredan
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    finally:
        stopped = stop_leftovers(mark)
        if stopped:
            print(f"  detenidos {len(stopped)} proceso(s) que el notebook dejó: {stopped}")
    nbformat.write(normalize(nb), path)
    return time.perf_counter() - start


def stop_leftovers(mark: str, grace: float = 5.0) -> list[str]:
    """Procesos que heredaron `mark` y siguen vivos: SIGTERM a su grupo; si no alcanza, SIGKILL."""
    found = []
    for proc in psutil.process_iter(["pid", "name"]):
        with contextlib.suppress(psutil.Error):
            if proc.pid != os.getpid() and proc.environ().get(RECORD_MARK) == mark:
                found.append(proc)
    for proc in found:
        with contextlib.suppress(OSError, psutil.Error):
            group = os.getpgid(proc.pid)
            if group == os.getpgid(0):  # mismo grupo que este proceso: solo ese proceso
                proc.terminate()
            else:
                os.killpg(group, signal.SIGTERM)
    _, alive = psutil.wait_procs(found, timeout=grace)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    return [f"{p.info['name']} ({p.pid})" for p in found]


def main(argv: list[str]) -> int:
    notebooks = find_notebooks(argv)
    for path in notebooks:
        print(f"▶ {path.relative_to(ROOT)} …", flush=True)
        elapsed = record(path)
        print(f"  listo en {elapsed:.1f} s", flush=True)
    print(f"{len(notebooks)} notebook(s) grabados.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
