from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "clase8" / "proyecto"
TEMPLATE = ROOT / "clase8" / "plantilla"
DAGS = ROOT / "clase8" / "hands-on" / "dags"
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))
