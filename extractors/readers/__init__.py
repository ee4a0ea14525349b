"""Readers: file bytes in, upright pages with words, boxes and a page image out.

Reading is two steps: the format readers turn a file into page images (or, for PDF pages
with a real text layer, finished pages), and each image then gets exactly one OCR pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from PIL import Image

from extractors.filetype import sniff
from extractors.limits import Limits
from extractors.ocr import ocr_page
from extractors.pages import ReadPage
from extractors.readers.images import image_pages
from extractors.readers.pdf import pdf_pages


def page_sources(data: bytes, limits: Limits) -> Iterator[ReadPage | Image.Image]:
    """Each page of a PDF, TIFF, PNG or JPEG, its type decided by magic bytes."""
    if sniff(data[:1024]) == "application/pdf":
        return pdf_pages(data, limits)
    return image_pages(data, limits)


def read_document(data: bytes, limits: Limits) -> list[ReadPage]:
    return [
        source
        if isinstance(source, ReadPage)
        else ocr_page(source, number, limits.ocr_timeout_seconds)
        for number, source in enumerate(page_sources(data, limits), 1)
    ]


__all__ = ["page_sources", "read_document"]
