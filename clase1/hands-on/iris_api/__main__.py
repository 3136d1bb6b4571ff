"""`python -m iris_api`: la misma línea de comandos que `cli.main()`."""

from iris_api.cli import main

if __name__ == "__main__":
    main()
