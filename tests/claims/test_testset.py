"""The generated claim photos are the same bytes on every host, the figures' part never overlaps the part the
rules were tuned on, and the set is what the issue asks for (counts, layouts, refusals)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from claims import testset


def test_every_host_loads_the_shipped_bytes():
    photos = testset.verify()
    assert len({p.id for p in photos}) == len(photos) == len(list(testset.IMAGES_DIR.glob("*.jpg")))
    assert sum((testset.TESTSET_DIR / p.file).stat().st_size for p in photos) < 5_000_000


def test_the_reported_part_never_overlaps_the_dev_part():
    dev, report = testset.load("dev"), testset.load("report")
    assert dev and report and len(dev) + len(report) == len(testset.load())
    for key in ("id", "file", "sha256"):
        assert not {getattr(p, key) for p in dev} & {getattr(p, key) for p in report}, key
    # Not the same invoice drawn twice either: an invoice number is one invoice.
    numbers = [p.invoice_number for p in dev + report if p.invoice_number]
    assert len(numbers) == len(set(numbers))


def test_the_set_is_what_the_figures_claim_it_is():
    report = testset.load("report")
    invoices = [p for p in report if p.expected_problem is None]
    assert len(invoices) >= 60
    layouts = Counter(p.layout for p in invoices)
    assert len([name for name in layouts if name in ("medical_receipt", "outpatient_invoice", "fee_receipt")]) == 3
    assert len([name for name in layouts if name in ("vat_repair_invoice", "repair_bill")]) == 2
    assert any(p.plate and len(p.plate) == 8 for p in invoices)  # a new-energy plate
    assert any(p.kind == "auto_repair_invoice" and p.plate is None for p in invoices)
    problems = Counter(p.expected_problem for p in testset.load() if p.expected_problem)
    assert problems["not_an_invoice"] >= 6 and problems["blurred"] >= 3 and problems["too_dark"] >= 2


@pytest.fixture
def copied_set(tmp_path: Path) -> Path:
    folder = tmp_path / "testset"
    shutil.copytree(testset.TESTSET_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


def test_a_changed_or_missing_image_is_refused_by_name(copied_set):
    victim = copied_set / "images" / "inv-005.jpg"
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    with pytest.raises(testset.TestsetMismatch, match="inv-005.jpg"):
        testset.verify(copied_set)
    shutil.copy(testset.IMAGES_DIR / "inv-005.jpg", victim)
    (copied_set / "images" / "other-003.jpg").unlink()
    with pytest.raises(testset.TestsetMismatch, match="other-003.jpg"):
        testset.verify(copied_set)


def test_the_generator_makes_the_shipped_bytes_again(tmp_path):
    # Seeded per photo: remaking the set gives the files that are shipped (on this image's Pillow and libjpeg).
    testset.make(tmp_path)
    shipped = json.loads(testset.TRUTH.read_text("utf-8"))
    assert json.loads((tmp_path / "truth.json").read_text("utf-8")) == shipped
