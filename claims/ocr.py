"""Reading one claim document: image bytes in, `InvoiceFindings` out.

The recogniser is RapidOCR (PP-OCRv4 Chinese detection and recognition, ONNX): its PyPI wheel carries the
models, so nothing is fetched at run time. The engine is built on first use, once per process, and used by one
call at a time (a second caller waits): on a 2-core host two concurrent readings only slow each other down and
double the memory. Quality comes first and costs milliseconds: a photo that is too dark or blurred is refused
before the recogniser runs, with the reason the customer is told ("请重新拍摄").

`read_invoice` blocks for about a second of CPU: async callers run it in a worker thread (asyncio.to_thread or
run_in_executor), never on the event loop.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from claims.findings import DocumentKind, InvoiceFindings, QualityProblem
from claims.invoice_fields import parse_invoice


@dataclass(frozen=True)
class ReadOptions:
    """Attributes:
    max_pixels: larger images are refused unread (a decompression bomb or a 100-megapixel photo).
    work_side: the longest side images are scaled down to before anything else, so the checks and the
        recogniser see text at about the size they were tuned on whatever the camera.
    dark_mean: mean brightness (0..255) below which a photo is too dark to read.
    sharp_edges: the strongest edges (99.9th percentile of the Laplacian, contrast stretched, at half the working
        size) of a readable page; a blurred one has none this strong. Tuned on the dev part of the test set:
        readable invoices 350 and more, deliberately blurred ones under 70, sharp photos of other things 160+.
    min_confidence: mean recognition confidence below which what was read is not trusted.
    blank_contrast: the spread of brightness (1st to 99th percentile) below which nothing is printed at all.
    threads: onnxruntime threads per reading. One: readings are serialised anyway, and on a shared 2-core host
        a second spinning thread costs more CPU than it saves time (measured on a loaded host: 1.1 s of CPU per
        invoice with one thread, 2.0 s with two).
    det_limit_side_len: the detector enlarges images whose short side is below this (RapidOCR's default). 480
        (no enlarging of a phone-sized photo) saved a sixth of the CPU but lost a plate's letter on the dev part.
    """

    max_pixels: int = 40_000_000
    work_side: int = 1280
    dark_mean: float = 55.0
    sharp_edges: float = 120.0
    min_confidence: float = 0.6
    blank_contrast: float = 30.0
    threads: int = 1
    det_limit_side_len: int = 736


OPTIONS = ReadOptions()
_engine: Any = None
_engine_lock = threading.Lock()


class UnreadableDocument(ValueError):
    """The bytes are not a JPEG, PNG or PDF this module can open."""


def read_invoice(image: bytes, kind: DocumentKind, options: ReadOptions = OPTIONS) -> InvoiceFindings:
    try:
        picture = decode(image, options)
    except UnreadableDocument:
        return InvoiceFindings(kind=kind, quality_problem="unreadable")
    problem = photo_problem(picture, options)
    if problem is not None:
        return InvoiceFindings(kind=kind, quality_problem=problem)
    rows, confidence = recognise(picture, options)
    fields = parse_invoice(rows)
    verdict: QualityProblem | None = None
    if not fields.looks_like_invoice:
        verdict = "not_an_invoice"
    elif (fields.amount is None and fields.amount_in_words is None) or confidence < options.min_confidence:
        verdict = "unreadable"
    return InvoiceFindings(
        kind=kind, amount=fields.amount, amount_in_words=fields.amount_in_words, invoice_date=fields.invoice_date,
        payee=fields.payee, invoice_number=fields.invoice_number,
        plate=fields.plate if kind == "auto_repair_invoice" else None,
        quality_problem=verdict, confidence=round(confidence, 3),
    )


def decode(data: bytes, options: ReadOptions = OPTIONS) -> Image.Image:
    """An RGB image at most `work_side` on its longest side, upright as the camera held it; the first page of a
    PDF. Anything else raises UnreadableDocument."""
    if data[:5] == b"%PDF-":
        return _shrink(_pdf_first_page(data, options), options)
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.format not in ("JPEG", "PNG") or opened.width * opened.height > options.max_pixels:
                raise UnreadableDocument(f"{opened.format} {opened.width}x{opened.height}")
            picture = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise UnreadableDocument(str(error)) from error
    return _shrink(picture, options)


def _pdf_first_page(data: bytes, options: ReadOptions) -> Image.Image:
    import pypdfium2  # only PDFs need it

    try:
        document = pypdfium2.PdfDocument(data)  # forms (and their scripts) are never initialised
        try:
            if len(document) == 0:
                raise UnreadableDocument("a PDF without pages")
            page = document[0]
            width, height = page.get_size()
            scale = min(2.0, options.work_side / max(width, height, 1))
            return page.render(scale=scale).to_pil().convert("RGB")
        finally:
            document.close()
    except (pypdfium2.PdfiumError, ValueError, OSError) as error:  # a broken file or a page of no size
        raise UnreadableDocument(str(error)) from error


def _shrink(picture: Image.Image, options: ReadOptions) -> Image.Image:
    longest = max(picture.size)
    if longest > options.work_side:
        scale = options.work_side / longest
        picture = picture.resize((round(picture.width * scale), round(picture.height * scale)),
                                 Image.Resampling.LANCZOS)
    return picture


def photo_problem(picture: Image.Image, options: ReadOptions = OPTIONS) -> QualityProblem | None:
    gray = np.asarray(picture.convert("L"), dtype=np.float32)
    if gray.mean() < options.dark_mean:
        return "too_dark"
    low, high = np.percentile(gray, [1, 99])
    if high - low < options.blank_contrast:
        return "not_an_invoice"  # a blank page or a wall: nothing printed to be sharp or blurred
    if edge_strength(gray) < options.sharp_edges:
        return "blurred"
    return None


def edge_strength(gray: np.ndarray) -> float:
    """The 99.9th percentile of the Laplacian's magnitude at half size, contrast stretched: sharp print has
    strong edges, a blurred photo none. Halving first averages the sensor noise out, which would otherwise pass
    for edges."""
    low, high = np.percentile(gray, [1, 99])
    stretched = (gray - low) * (255.0 / max(high - low, 1.0))
    h, w = stretched.shape[0] // 2 * 2, stretched.shape[1] // 2 * 2
    half = stretched[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
    laplacian = half[1:-1, :-2] + half[1:-1, 2:] + half[:-2, 1:-1] + half[2:, 1:-1] - 4 * half[1:-1, 1:-1]
    return float(np.percentile(np.abs(laplacian), 99.9)) if laplacian.size else 0.0


def engine(options: ReadOptions = OPTIONS) -> Any:
    """The process's recogniser, built on first use with the options of that use."""
    global _engine
    with _engine_lock:
        if _engine is None:
            from rapidocr_onnxruntime import RapidOCR  # heavy import, only where documents are read

            _engine = RapidOCR(intra_op_num_threads=options.threads, inter_op_num_threads=1,
                               det_limit_side_len=options.det_limit_side_len)
        return _engine


def recognise(picture: Image.Image, options: ReadOptions = OPTIONS) -> tuple[list[str], float]:
    """The text rows of the picture, top to bottom (boxes whose centres are on one line joined left to right
    with a space), and the mean recognition confidence."""
    ocr = engine(options)
    with _engine_lock:
        # No angle classifier: it turns lines upside down, and a photo of a page is not; it costs ~10% of the time.
        result, _ = ocr(np.asarray(picture)[:, :, ::-1], use_cls=False)
    if not result:
        return [], 0.0
    return rows_of([(box, text) for box, text, _ in result]), float(np.mean([float(r[2]) for r in result]))


def rows_of(boxes: list[tuple[list[list[float]], str]]) -> list[str]:
    """Recognised boxes (four corners from the top left, clockwise; text) as rows of text, top to bottom, each
    row's boxes joined left to right by a space. A photo tilted by 5° drifts more across the page than the gap
    between two printed rows, so the centres are first turned back by the page's tilt (the median slope of the
    boxes' top edges) and then grouped: a box joins a row whose centre is within half a box height."""
    slopes = [np.arctan2(b[1][1] - b[0][1], b[1][0] - b[0][0]) for b, _ in boxes if b[1][0] - b[0][0] > 0]
    angle = float(np.median(slopes)) if slopes else 0.0
    cos, sin = np.cos(angle), np.sin(angle)
    placed = []
    for box, text in boxes:
        x = sum(p[0] for p in box) / 4
        y = sum(p[1] for p in box) / 4
        height = max(abs(box[3][1] - box[0][1]), abs(box[2][1] - box[1][1]), 1.0)
        placed.append((x * cos + y * sin, -x * sin + y * cos, height, text))
    rows: list[list[tuple[float, float, float, str]]] = []
    for item in sorted(placed, key=lambda b: b[1]):
        for row in rows:
            centre = sum(b[1] for b in row) / len(row)
            if abs(centre - item[1]) <= max(item[2], row[0][2]) / 2:
                row.append(item)
                break
        else:
            rows.append([item])
    return [" ".join(b[3] for b in sorted(row, key=lambda b: b[0])) for row in rows]
