"""`python -m iris_service`: la misma línea de comandos que `cli.main()`."""

from iris_service.cli import main

if __name__ == "__main__":
    main()
