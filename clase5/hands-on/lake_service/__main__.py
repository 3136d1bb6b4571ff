"""`python -m lake_service --port 8000`: el servicio como programa (ver `cli.py`)."""

from .cli import main

if __name__ == "__main__":
    main()
