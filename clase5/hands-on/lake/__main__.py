"""`python -m lake ...`: la CLI del lago como programa (ver `cli.py`)."""

import os
import sys

from .cli import finalize_s3, main


def run() -> int:
    """Corre la CLI y devuelve su código de salida (los errores de `main()` son SystemExit)."""
    try:
        main()
    except SystemExit as exc:
        if isinstance(exc.code, str):  # un mensaje de error: va a stderr y sale con 1
            print(exc.code, file=sys.stderr)
            return 1
        return exc.code or 0
    return 0


if __name__ == "__main__":
    status = run()
    finalize_s3()  # solo como programa: después de esto pyarrow ya no puede usar S3 aquí
    sys.stdout.flush()
    sys.stderr.flush()
    # Salida sin los destructores estáticos de C++: los del SDK de AWS que usa pyarrow a veces
    # abortan el proceso al terminar ("terminate called without an active exception") aunque
    # todo haya funcionado (apache/arrow#34314). Lo que había que escribir ya se escribió.
    os._exit(status)
