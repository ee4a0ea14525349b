from __future__ import annotations

import pytest

from extractors.errors import EmptyFile, TypeMismatch, UnsupportedType
from extractors.filetype import check_name, sniff
from tests import badfiles


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\r\n%PDF-1.4", "application/pdf"),
        (b"II*\x00\x08\x00", "image/tiff"),
        (b"MM\x00*\x00\x00", "image/tiff"),
        (badfiles.png(), "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    ],
)
def test_sniff_by_magic_bytes(head, expected):
    assert sniff(head) == expected


def test_sniff_errors_are_specific():
    with pytest.raises(EmptyFile, match="empty"):
        sniff(b"")
    with pytest.raises(UnsupportedType, match="not a PDF, TIFF, PNG or JPEG"):
        sniff(b"PK\x03\x04 a zip file")


def test_extension_that_contradicts_the_content_is_refused():
    with pytest.raises(TypeMismatch, match=r"named \.pdf but its content is a PNG image"):
        check_name("order.PDF", "image/png")
    check_name("order.tif", "image/tiff")
    check_name("fax-000123", "image/tiff")
    check_name("order.fax", "application/pdf")
