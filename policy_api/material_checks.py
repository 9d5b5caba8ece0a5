"""What a customer's file is, judged by its content, and the clean copy of it that is kept.

Only JPEG, PNG (and HEIC, converted to JPEG) images and PDF documents are accepted, whatever the file is
called. Images are decoded and encoded afresh: the stored file has no EXIF (no GPS position), no comments and
no trailing bytes, only pixels. A PDF with active content (JavaScript, actions run on opening, launch
actions, embedded files, forms) is refused, and an accepted one is written out again with its pages only
(no annotations, no document metadata), so nothing clickable or runnable reaches an agent's viewer.
No I/O and no database here: bytes in, a clean file or a `MaterialRefused` out.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

pillow_heif.register_heif_opener()

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
# Names in a PDF whose presence means something runs or is carried along: refused outright.
ACTIVE_NAMES = frozenset({"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFile",
                          "/EmbeddedFiles", "/RichMedia", "/XFA", "/SubmitForm", "/ImportData", "/GoToR",
                          "/GoToE", "/Sound", "/Movie", "/FileAttachment"})
# The same names as raw bytes, a second look that also covers objects no page refers to. A name may be
# written with #xx escapes (/J#61vaScript): those are decoded before matching.
_RAW_NAME = re.compile(rb"/[A-Za-z0-9#]+")
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis")
_WALK_LIMIT = 20_000  # PDF objects looked at; a file with more is refused rather than walked for long


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int
    max_pdf_pages: int


@dataclass(frozen=True)
class CleanFile:
    media_type: str
    content: bytes
    width: int | None = None
    height: int | None = None
    pages: int | None = None


class MaterialRefused(Exception):  # noqa: N818  one failure the customer can act on, like the API's errors
    """Why a file was not accepted: a stable code and a text in each language."""

    def __init__(self, code: str, zh: str, en: str, status: int = 422) -> None:
        super().__init__(f"{zh} {en}")
        self.code, self.zh, self.en, self.status = code, zh, en, status


def _unsupported() -> MaterialRefused:
    return MaterialRefused("material_type_unsupported",
                           "只能上传 JPEG、PNG、HEIC 格式的照片或 PDF 文件（按文件内容判断，与文件名无关）。",
                           "Only JPEG, PNG or HEIC photos and PDF files are accepted (judged by the content, "
                           "not the file name).", 415)


def sniff(data: bytes) -> str | None:
    """The type the bytes themselves say, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"%PDF-"):
        return PDF
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "image/heic"
    return None


def check(data: bytes, limits: Limits) -> CleanFile:
    if not data:
        raise MaterialRefused("material_empty", "文件是空的，请重新选择。", "The file is empty; please choose it again.")
    if len(data) > limits.max_bytes:
        mb = limits.max_bytes // (1024 * 1024)
        raise MaterialRefused("material_too_large", f"文件超过 {mb} MB，请压缩或拍摄较小的照片后再上传。",
                              f"The file is larger than {mb} MB; please send a smaller photo or file.", 413)
    kind = sniff(data)
    if kind is None:
        raise _unsupported()
    return clean_pdf(data, limits) if kind == PDF else clean_image(data, limits)


def _too_many_pixels(limits: Limits) -> MaterialRefused:
    mp = limits.max_pixels // 1_000_000
    return MaterialRefused("material_too_many_pixels", f"图片分辨率过高（超过 {mp} 百万像素），请用普通拍照模式重新拍摄。",
                           f"The image has too many pixels (over {mp} megapixels); please take it again in the "
                           "camera's normal mode.")


def _unreadable() -> MaterialRefused:
    return MaterialRefused("material_unreadable", "无法读取该文件，可能已损坏，请重新拍摄或重新导出。",
                           "The file cannot be read (it may be damaged); please take the photo or export it again.")


def clean_image(data: bytes, limits: Limits) -> CleanFile:
    """Decoded only after its size in pixels is known to be within the limit (a small file can declare a huge
    image: a decompression bomb), then encoded afresh without any metadata."""
    # Pillow's own guard as a second line: Image.open raises at twice this many pixels.
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in ("JPEG", "PNG", "HEIF"):
                raise _unsupported()
            width, height = img.size
            if width * height > limits.max_pixels:
                raise _too_many_pixels(limits)
            img.load()
            upright = ImageOps.exif_transpose(img)  # keep the photo upright once its EXIF is gone
            keep_png = img.format == "PNG"
            out = _encode(upright, keep_png)
            width, height = upright.size
    except Image.DecompressionBombError:
        raise _too_many_pixels(limits) from None
    except MaterialRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise _unreadable() from exc
    return CleanFile(PNG if keep_png else JPEG, out, width, height)


def _encode(img: Image.Image, keep_png: bool) -> bytes:
    buffer = io.BytesIO()
    if keep_png:  # screenshots stay lossless; alpha kept, palettes and 16-bit made plain
        has_alpha = img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info)
        plain = img.convert("RGBA" if has_alpha else "RGB")
        plain.save(buffer, format="PNG", optimize=False)
    else:
        img.convert("RGB").save(buffer, format="JPEG", quality=90, optimize=True)
    return buffer.getvalue()


def _scripted() -> MaterialRefused:
    return MaterialRefused("material_active_content",
                           "该 PDF 含有脚本、自动操作或附件，出于安全原因无法接收；请另存为普通 PDF 或截图后上传。",
                           "This PDF contains scripts, automatic actions or attachments and cannot be accepted for "
                           "safety; please save it as a plain PDF or send a screenshot.")


def _raw_names(data: bytes) -> set[str]:
    names = set()
    for match in _RAW_NAME.finditer(data):
        raw = match.group()
        if b"#" in raw:
            raw = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
        names.add(raw.decode("latin-1"))
    return names


def _walk(obj: Any, seen: set[int], budget: list[int]) -> None:
    """Raise on any active name anywhere reachable from obj (dictionary keys and name values)."""
    stack = [obj]
    while stack:
        budget[0] -= 1
        if budget[0] < 0:
            raise _unreadable()
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in ACTIVE_NAMES:
                    raise _scripted()
                if key in ("/Parent", "/P"):  # back-references: the tree is walked from the root anyway
                    continue
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, NameObject) and item in ACTIVE_NAMES:
            raise _scripted()


def clean_pdf(data: bytes, limits: Limits) -> CleanFile:
    if ACTIVE_NAMES & _raw_names(data):
        raise _scripted()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise MaterialRefused("material_encrypted", "PDF 已加密或设有密码，请导出未加密的版本。",
                                  "The PDF is encrypted or password-protected; please export an unprotected copy.")
        pages = len(reader.pages)
        if pages == 0:
            raise _unreadable()
        if pages > limits.max_pdf_pages:
            raise MaterialRefused("material_too_many_pages", f"PDF 超过 {limits.max_pdf_pages} 页，请分开上传。",
                                  f"The PDF has more than {limits.max_pdf_pages} pages; please send it in parts.")
        root: PdfObject = reader.trailer["/Root"]
        _walk(root, set(), [_WALK_LIMIT])
        writer = PdfWriter()
        for page in reader.pages:
            for key in ("/Annots", "/AA"):  # links and form fields: nothing clickable is copied
                if key in page:
                    del page[NameObject(key)]
            writer.add_page(page)
        writer.add_metadata({"/Producer": "insurance-desk"})
        buffer = io.BytesIO()
        writer.write(buffer)
    except MaterialRefused:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise _unreadable() from exc
    out = buffer.getvalue()
    if len(out) > limits.max_bytes:
        raise _unreadable()
    return CleanFile(PDF, out, pages=pages)
