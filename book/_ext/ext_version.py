"""Versión de una extensión local = hash de su código.

Sphinx rehace su caché (`_build/.doctrees`) cuando cambia el `env_version` de una extensión:
así, editar una extensión de `book/_ext/` nunca deja páginas viejas en el sitio.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def env_version(source_file: str) -> int:
    return int(hashlib.sha256(Path(source_file).read_bytes()).hexdigest()[:8], 16)
