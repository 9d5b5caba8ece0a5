"""The claim photo test set the project makes itself: generated invoices and other photos with their true fields.

84 invoices in five layouts (three medical, two auto repair) photographed with tilt, blur, noise and JPEG loss,
plus deliberately blurred and dark ones and photos that are not invoices, each with the verdict expected of it.
The images are shipped (claims/testset/images/, with truth.json holding every file's SHA-256) so the figures
are about the same bytes on every host; `python -m claims.testset` remakes them from the seed (same bytes on
this image's Pillow/libjpeg) and `--check` verifies the shipped files.

A quarter of the set is the dev part the reading rules were tuned on; the figures are reported on the rest.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path

from claims.testset import draw

SEED = 20
GENERATOR_VERSION = 1  # bump when the way images are made changes
TESTSET_DIR = Path(__file__).resolve().parent
IMAGES_DIR = TESTSET_DIR / "images"
TRUTH = TESTSET_DIR / "truth.json"
INVOICES = 84
BLURRED, DARK, OTHERS = 5, 3, 8


@dataclass(frozen=True)
class Photo:
    id: str
    file: str  # relative to the set's folder
    split: str  # "dev" (rules tuned on it) or "report" (figures)
    kind: str  # the document kind the customer says it is
    layout: str  # an invoice layout, or "scene"
    expected_problem: str | None  # None: a readable invoice
    amount: str | None = None
    amount_in_words: str | None = None
    invoice_date: str | None = None
    payee: str | None = None
    invoice_number: str | None = None
    plate: str | None = None
    sha256: str = ""


class TestsetMismatch(RuntimeError):
    """The files on disk are not the set truth.json describes (edited, truncated, or a partial checkout)."""


def _plan() -> list[tuple[str, str, str | None]]:
    """(id, split, expected problem) for every photo: every fourth of each group goes to the dev part."""
    plan = []
    for prefix, count, problem in (("inv", INVOICES, None), ("blur", BLURRED, "blurred"), ("dark", DARK, "too_dark"),
                                   ("other", OTHERS, "not_an_invoice")):
        for n in range(count):
            plan.append((f"{prefix}-{n:03d}", "dev" if n % 4 == 0 else "report", problem))
    return plan


def make(folder: Path = TESTSET_DIR) -> list[Photo]:
    """Draws every photo from its own seed, writes the images and truth.json, returns the photos."""
    (folder / "images").mkdir(parents=True, exist_ok=True)
    layouts = list(draw.LAYOUTS)
    photos = []
    for index, (photo_id, split, problem) in enumerate(_plan()):
        rnd = random.Random(f"{SEED}:{photo_id}")
        layout = layouts[index % len(layouts)] if problem != "not_an_invoice" else "scene"
        fields: dict[str, str | None] = {}
        if layout == "scene":
            kind = "medical_invoice" if index % 2 else "auto_repair_invoice"
            page = draw.scene(rnd, index)
        else:
            kind, render = draw.LAYOUTS[layout]
            truth = draw.draw_truth(rnd, kind, layout)
            page = render(rnd, truth)
            if problem is None:
                fields = {"amount": f"{truth.amount:.2f}",
                          "amount_in_words": f"{truth.amount:.2f}" if truth.in_words else None,
                          "invoice_date": truth.invoice_date.isoformat(), "payee": truth.payee,
                          "invoice_number": truth.invoice_number, "plate": truth.plate}
        blur = {"blurred": rnd.uniform(3.5, 5.0)}.get(problem or "", rnd.choice([0, 0, 0.6, 1.0]))
        darkness = rnd.uniform(0.1, 0.16) if problem == "too_dark" else rnd.uniform(0.85, 1.0)
        data = draw.photograph(rnd, page, blur, darkness, quality=rnd.randint(55, 80))
        file = f"images/{photo_id}.jpg"
        (folder / file).write_bytes(data)
        photos.append(Photo(id=photo_id, file=file, split=split, kind=kind, layout=layout, expected_problem=problem,
                            sha256=hashlib.sha256(data).hexdigest(), **fields))
    manifest = {"generator": GENERATOR_VERSION, "seed": SEED, "photos": [asdict(p) for p in photos]}
    (folder / "truth.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return photos


def load(split: str | None = None, folder: Path = TESTSET_DIR) -> list[Photo]:
    photos = [Photo(**p) for p in json.loads((folder / "truth.json").read_text("utf-8"))["photos"]]
    return [p for p in photos if split is None or p.split == split]


def verify(folder: Path = TESTSET_DIR) -> list[Photo]:
    """Every photo of truth.json present with its recorded bytes; raises TestsetMismatch naming the first file
    that is not."""
    photos = load(folder=folder)
    for photo in photos:
        path = folder / photo.file
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != photo.sha256:
            raise TestsetMismatch(f"{photo.file} is not the file truth.json records")
    return photos


def image(photo: Photo, folder: Path = TESTSET_DIR) -> bytes:
    return (folder / photo.file).read_bytes()
