"""``python -m proyecto_ref ...``: la línea de comandos del proyecto (ver ``cli``)."""

from proyecto_ref.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
