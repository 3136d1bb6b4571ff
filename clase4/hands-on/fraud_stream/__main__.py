"""`python -m fraud_stream ...`: ver `cli.py` (o `python -m fraud_stream --help`)."""

from .cli import main

if __name__ == "__main__":
    main()
