"""`python -m lake ...`: la CLI del lago como programa (ver `cli.py`)."""

from .cli import finalize_s3, main

if __name__ == "__main__":
    try:
        main()
    finally:  # solo como programa: después de esto pyarrow ya no puede usar S3 en este proceso
        finalize_s3()
