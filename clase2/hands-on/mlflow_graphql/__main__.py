"""`python -m mlflow_graphql`: la misma línea de comandos que `cli.main()`."""

from mlflow_graphql.cli import main

if __name__ == "__main__":
    main()
