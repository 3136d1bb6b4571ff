"""`python -m coursekit.dev.doctor`: ver `report.py`."""

import sys

from .report import main

if __name__ == "__main__":
    sys.exit(main())
