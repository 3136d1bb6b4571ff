"""`python -m stack.localstack ...` (desde la raíz del repositorio): ver `cli.py`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
