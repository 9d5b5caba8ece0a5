"""`read_invoice` with the real recogniser on shipped photos of the test set: one of each layout read right, the
photos it must refuse refused with the reason the customer is told, and what is not a photo at all."""

from __future__ import annotations

import io
import threading
from decimal import Decimal

import pytest
from PIL import Image

from claims import ocr, testset
from claims.findings import InvoiceFindings


def photo(photo_id: str) -> testset.Photo:
    return next(p for p in testset.load() if p.id == photo_id)


def reported_one_of_each_layout() -> list[testset.Photo]:
    firsts: dict[str, testset.Photo] = {}
    for p in testset.load("report"):
        if p.expected_problem is None:
            firsts.setdefault(p.layout, p)
    return list(firsts.values())


@pytest.mark.parametrize("item", reported_one_of_each_layout(), ids=lambda p: f"{p.id}-{p.layout}")
def test_an_invoice_of_each_layout_is_read(item):
    found = ocr.read_invoice(testset.image(item), item.kind)  # type: ignore[arg-type]
    assert found.readable and found.confidence > 0.8
    assert found.amount == Decimal(item.amount)
    assert found.invoice_date.isoformat() == item.invoice_date
    assert (found.payee, found.invoice_number, found.plate) == (item.payee, item.invoice_number, item.plate)
    assert InvoiceFindings.from_json(found.to_json()) == found


@pytest.mark.parametrize(("photo_id", "problem"), [("blur-001", "blurred"), ("dark-001", "too_dark"),
                                                   ("other-001", "not_an_invoice"), ("other-003", "not_an_invoice")])
def test_photos_that_cannot_be_reviewed_are_refused_with_why(photo_id, problem):
    item = photo(photo_id)
    found = ocr.read_invoice(testset.image(item), item.kind)  # type: ignore[arg-type]
    assert found.quality_problem == problem and not found.readable
    assert found.amount is None and found.invoice_number is None


@pytest.mark.parametrize("data", [b"", b"not an image", b"GIF89a" + b"\0" * 64, b"%PDF-1.4 broken"])
def test_what_is_not_a_jpeg_png_or_pdf_is_unreadable(data):
    assert ocr.read_invoice(data, "medical_invoice").quality_problem == "unreadable"


def test_a_gif_is_refused_even_when_it_is_a_real_image():
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50), "white").save(buffer, "GIF")
    assert ocr.read_invoice(buffer.getvalue(), "medical_invoice").quality_problem == "unreadable"


def test_a_png_and_the_first_page_of_a_pdf_are_read():
    item = photo(reported_one_of_each_layout()[0].id)
    picture = Image.open(io.BytesIO(testset.image(item)))
    for form in ("PNG", "PDF"):
        buffer = io.BytesIO()
        picture.save(buffer, form, **({"resolution": 100} if form == "PDF" else {}))
        found = ocr.read_invoice(buffer.getvalue(), item.kind)  # type: ignore[arg-type]
        assert found.amount == Decimal(item.amount), form


def test_a_huge_image_is_refused_unread():
    buffer = io.BytesIO()
    Image.new("L", (9000, 5000), 255).save(buffer, "PNG")  # 45 megapixels of white, a small file
    assert ocr.read_invoice(buffer.getvalue(), "medical_invoice").quality_problem == "unreadable"


def test_readers_on_two_threads_share_one_engine_and_both_read_right():
    items = reported_one_of_each_layout()[:2]
    results: dict[str, InvoiceFindings] = {}

    def read(item: testset.Photo) -> None:
        results[item.id] = ocr.read_invoice(testset.image(item), item.kind)  # type: ignore[arg-type]

    threads = [threading.Thread(target=read, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert {i.id: results[i.id].amount for i in items} == {i.id: Decimal(i.amount) for i in items}
    assert ocr.engine() is ocr.engine()


def test_rows_are_rebuilt_across_a_tilted_page():
    # Two printed rows 40 px apart on a page tilted by 5°: the right end of the upper row sits lower than the
    # left end of the lower one, yet each keeps its own boxes.
    import math

    slope = math.tan(math.radians(5))

    def box(x: float, y: float, width: float = 120, height: float = 24) -> list[list[float]]:
        return [[x, y + x * slope], [x + width, y + (x + width) * slope],
                [x + width, y + height + (x + width) * slope], [x, y + height + x * slope]]

    boxes = [(box(40, 100), "合计金额："), (box(700, 100), "¥123.45"), (box(40, 140), "人民币（大写）"),
             (box(700, 140), "壹佰贰拾叁元肆角伍分")]
    assert ocr.rows_of(boxes) == ["合计金额： ¥123.45", "人民币（大写） 壹佰贰拾叁元肆角伍分"]


def test_the_models_come_in_the_wheel_and_reading_needs_no_network(tmp_path):
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import rapidocr_onnxruntime

    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    assert {p.name for p in models.glob("*.onnx")} >= {"ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx"}
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-n", "true"]).returncode != 0:
        pytest.skip("no network namespaces here (unshare -n needs root)")
    item = reported_one_of_each_layout()[0]
    script = ("import sys; from claims import ocr, testset; p = [x for x in testset.load() if x.id == sys.argv[1]][0];"
              " print(ocr.read_invoice(testset.image(p), p.kind).amount)")
    done = subprocess.run(["unshare", "-n", sys.executable, "-c", script, item.id], capture_output=True, text=True,
                          timeout=600, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(Decimal(item.amount))
