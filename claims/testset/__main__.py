"""`python -m claims.testset` remakes the photos and truth.json from the seed; `--check` verifies the shipped ones."""

from __future__ import annotations

import argparse
import sys

from claims import testset


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="verify the shipped files instead of remaking them")
    args = parser.parse_args()
    photos = testset.verify() if args.check else testset.make()
    size = sum((testset.TESTSET_DIR / p.file).stat().st_size for p in photos)
    for split in ("dev", "report"):
        part = [p for p in photos if p.split == split]
        print(f"{split}: {len(part)} photos, {sum(p.expected_problem is None for p in part)} readable invoices")
    print(f"{len(photos)} photos, {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
