"""PDF pages: the text layer where a page has a real one, else the rendered page through OCR."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.page import Page as PlumberPage
from pdfplumber.utils.exceptions import PdfminerException
from PIL import Image

from extractors.errors import CorruptFile, EncryptedDocument, LimitExceeded
from extractors.limits import Limits
from extractors.ocr import review_page
from extractors.pages import Page, ReadPage, Word, group_lines

#: A complete PDF ends with %%EOF; writers may append a few bytes (newlines, junk) after it.
_EOF_WINDOW = 2048
#: Fewer characters than this is no text layer, just a stamp or a fax header line.
_MIN_TEXT_CHARS = 40
#: E-fax services put an image of the fax on the page and a short text header over it; a page
#: mostly covered by an image needs this much text before its text layer is trusted.
_MIN_TEXT_CHARS_OVER_IMAGE = 400
_IMAGE_COVERS_PAGE = 0.5
_REVIEW_DPI = 150
_OCR_DPI_RANGE = (200.0, 300.0)
_POINTS_PER_INCH = 72.0


def pdf_pages(data: bytes, limits: Limits) -> Iterator[ReadPage | Image.Image]:
    """Each page: read from its text layer, or rendered as an image still to be OCR'd."""
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise CorruptFile("the PDF is truncated: its end-of-file marker is missing")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise EncryptedDocument(
                "the PDF is password-protected; ask the sender for an unprotected copy"
            ) from exc
        raise CorruptFile("the PDF structure is damaged and cannot be parsed") from exc
    with pdf:
        try:
            plumber_pages = pdf.pages
        except Exception as exc:  # pdfminer raises many unrelated types on broken page trees
            raise CorruptFile("the PDF page tree is damaged") from exc
        if not plumber_pages:
            raise CorruptFile("the PDF has no pages")
        if len(plumber_pages) > limits.max_pages:
            raise LimitExceeded(
                f"the PDF has {len(plumber_pages)} pages, over the limit of {limits.max_pages}"
            )
        for number, page in enumerate(plumber_pages, 1):
            yield _page(page, number, limits)


def _page(page: PlumberPage, number: int, limits: Limits) -> ReadPage | Image.Image:
    try:
        words = page.extract_words()
        if _has_text_layer(page, words):
            _check_pixels(page, _REVIEW_DPI, number, limits)
            return review_page(_text_page(page, words, number), _render(page, _REVIEW_DPI))
        dpi = _ocr_dpi(page)
        _check_pixels(page, dpi, number, limits)
        return _render(page, dpi)
    except (CorruptFile, LimitExceeded):
        raise
    except Exception as exc:  # pdfminer/pdfium raise many unrelated types on broken content
        raise CorruptFile(f"page {number} of the PDF cannot be read") from exc


def _has_text_layer(page: PlumberPage, words: list[dict[str, Any]]) -> bool:
    text = "".join(w["text"] for w in words)
    # Glyphs without a Unicode mapping come out as "(cid:NN)": that is no usable text.
    real = len(text) - 9 * text.count("(cid:")
    if real < _MIN_TEXT_CHARS:
        return False
    return real >= _MIN_TEXT_CHARS_OVER_IMAGE or _image_coverage(page) < _IMAGE_COVERS_PAGE


def _image_coverage(page: PlumberPage) -> float:
    area = float(page.width * page.height)
    covered = sum(float(img["width"] * img["height"]) for img in page.images)
    return min(covered / area, 1.0) if area else 0.0


def _ocr_dpi(page: PlumberPage) -> float:
    """Render at the resolution of the embedded scan, so a 204 dpi fax isn't upsampled."""
    native = [
        img["srcsize"][0] / (float(img["width"]) / _POINTS_PER_INCH)
        for img in page.images
        if img.get("srcsize") and img["width"]
    ]
    low, high = _OCR_DPI_RANGE
    return min(max(max(native, default=high), low), high)


def _check_pixels(page: PlumberPage, dpi: float, number: int, limits: Limits) -> None:
    scale = dpi / _POINTS_PER_INCH
    pixels = float(page.width) * scale * float(page.height) * scale
    if pixels > limits.max_pixels:
        raise LimitExceeded(
            f"page {number} would be {pixels / 1e6:.0f} megapixels at {dpi:.0f} dpi,"
            f" over the limit of {limits.max_pixels / 1e6:.0f}"
        )


def _render(page: PlumberPage, dpi: float) -> Image.Image:
    image: Image.Image = page.to_image(resolution=dpi, antialias=True).original
    return image.convert("L")


def _text_page(page: PlumberPage, raw: list[dict[str, Any]], number: int) -> Page:
    width, height = float(page.width), float(page.height)
    ordered = sorted(raw, key=lambda w: (round(float(w["top"])), float(w["x0"])))
    words: list[Word] = []
    keys: list[object] = []
    line, line_bottom = -1, -1.0
    for w in ordered:
        top, bottom = float(w["top"]), float(w["bottom"])
        if float(w["x0"]) >= width or float(w["x1"]) <= 0 or top >= height or bottom <= 0:
            continue  # wholly off the page: not printed where anyone can see it
        # A word starts a new line when its middle is below the current line's bottom.
        if (top + bottom) / 2 > line_bottom:
            line, line_bottom = line + 1, bottom
        words.append(
            Word(
                text=w["text"],
                conf=1.0,
                bbox=(
                    float(w["x0"]) / width,
                    top / height,
                    float(w["x1"]) / width,
                    bottom / height,
                ),
                line=line,
            )
        )
        keys.append(line)
    # Sorting by rounded top can interleave words of one line; order each line left to right.
    paired = sorted(zip(keys, words, strict=True), key=lambda kw: (kw[0], kw[1].bbox[0]))
    lines = group_lines([w for _, w in paired], [k for k, _ in paired])
    return Page(
        number=number,
        width=round(width / _POINTS_PER_INCH * _REVIEW_DPI),
        height=round(height / _POINTS_PER_INCH * _REVIEW_DPI),
        source="text_layer",
        words=[w for _, w in paired],
        lines=lines,
    )
