"""`python -m rest_iris`: la misma línea de comandos que `cli.main()`."""

from rest_iris.cli import main

if __name__ == "__main__":
    main()
