from __future__ import annotations

import sys
from pathlib import Path

HANDS_ON = Path(__file__).resolve().parents[2] / "clase6" / "hands-on"
sys.path.insert(0, str(HANDS_ON))
