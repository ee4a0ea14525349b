"""Readers: file bytes in, upright pages with words, boxes and a page image out."""

from __future__ import annotations

from extractors.filetype import MediaType, sniff
from extractors.limits import Limits
from extractors.pages import ReadPage
from extractors.readers.images import read_image
from extractors.readers.pdf import read_pdf


def read_document(data: bytes, limits: Limits) -> list[ReadPage]:
    """Read every page of a PDF, TIFF, PNG or JPEG, deciding the type from its magic bytes."""
    media_type: MediaType = sniff(data[:1024])
    if media_type == "application/pdf":
        return read_pdf(data, limits)
    return read_image(data, limits)


__all__ = ["read_document"]
