"""bench/results.json: one flat JSON object that every benchmark of the project merges its keys into."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.json"


def merge_results(figures: dict[str, Any], path: Path = RESULTS) -> dict[str, Any]:
    current = json.loads(path.read_text()) if path.exists() else {}
    current.update(figures)
    current["updated_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    path.write_text(json.dumps(current, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return current
