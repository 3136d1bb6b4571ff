"""Mostrar en el notebook el código real de un archivo .py (lo que se despliega)."""

from __future__ import annotations

import inspect
from pathlib import Path

from IPython.display import Code


def show_source(obj=None, path: str | Path | None = None) -> Code:
    """Muestra con resaltado el código de un objeto (función, clase) o de un archivo entero."""
    if path is not None:
        return Code(Path(path).read_text(), language="python")
    return Code(inspect.getsource(obj), language="python")
