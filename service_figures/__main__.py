"""`python -m service_figures [--days 7] [--json]`: the service figures against their targets."""

from __future__ import annotations

import argparse
import json

from service_figures.reader import FiguresReader
from service_figures.text import render


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=7, help="local days back, today included (default 7)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.days < 1:
        parser.error("--days must be 1 or more")
    reader = FiguresReader()
    try:
        figures = reader.figures(args.days)
    finally:
        reader.close()
    print(json.dumps(figures, ensure_ascii=False, indent=2) if args.json else render(figures))


if __name__ == "__main__":
    main()
