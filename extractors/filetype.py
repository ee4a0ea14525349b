"""File type from magic bytes: the extension a fax server gives a file is not evidence."""

from __future__ import annotations

from typing import Literal

from extractors.errors import EmptyFile, TypeMismatch, UnsupportedType

MediaType = Literal["application/pdf", "image/tiff", "image/png", "image/jpeg"]

_SIGNATURES: tuple[tuple[bytes, MediaType], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)

#: Some PDF writers put junk before the header; readers accept it within the first KiB.
_PDF_HEADER_WINDOW = 1024

_NAMES: dict[MediaType, str] = {
    "application/pdf": "a PDF",
    "image/tiff": "a TIFF image",
    "image/png": "a PNG image",
    "image/jpeg": "a JPEG image",
}
_EXTENSIONS: dict[str, MediaType] = {
    ".pdf": "application/pdf",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def sniff(head: bytes) -> MediaType:
    """Return the media type of a file from its first bytes, or raise a specific error."""
    if not head:
        raise EmptyFile("the file is empty (0 bytes)")
    for magic, media_type in _SIGNATURES:
        if head.startswith(magic):
            return media_type
    if b"%PDF-" in head[:_PDF_HEADER_WINDOW]:
        return "application/pdf"
    raise UnsupportedType(
        "the file is not a PDF, TIFF, PNG or JPEG (its first bytes match none of them)"
    )


def check_name(filename: str, media_type: MediaType) -> None:
    """Refuse a file whose extension names another supported type than its content.

    Unknown or missing extensions are fine (fax servers name files oddly); a ``.pdf`` that is
    a PNG is not: the sender's system is misbehaving or the file is not what it claims.
    """
    suffix = filename[filename.rfind(".") :].lower() if "." in filename else ""
    claimed = _EXTENSIONS.get(suffix)
    if claimed is not None and claimed != media_type:
        raise TypeMismatch(f"the file is named {suffix} but its content is {_NAMES[media_type]}")
