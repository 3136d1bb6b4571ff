"""`python -m grpc_inference`: la misma línea de comandos que `cli.main()`."""

from grpc_inference.cli import main

if __name__ == "__main__":
    main()
