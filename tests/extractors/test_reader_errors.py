"""Broken and hostile files: each raises its own error with a message a person understands."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from extractors.errors import (
    CorruptFile,
    EncryptedDocument,
    ExtractError,
    LimitExceeded,
    OcrTimeout,
)
from extractors.limits import Limits
from extractors.readers import page_sources, read_document
from tests import badfiles


def _tiff_g4(pages: int = 2) -> bytes:
    frames = [Image.new("1", (1728, 2200), 1) for _ in range(pages)]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, format="TIFF", compression="group4", save_all=True, append_images=frames[1:]
    )
    return buffer.getvalue()


def test_encrypted_pdf():
    with pytest.raises(EncryptedDocument, match="password-protected"):
        read_document(badfiles.encrypted_pdf(), Limits())


def test_truncated_pdf():
    with pytest.raises(CorruptFile, match="truncated"):
        read_document(badfiles.truncated(badfiles.text_pdf()), Limits())


def test_pdf_over_page_limit_is_refused_before_reading_pages():
    with pytest.raises(LimitExceeded, match="6 pages, over the limit of 5"):
        read_document(badfiles.text_pdf(pages=6), Limits(max_pages=5))


def test_truncated_tiff():
    with pytest.raises(CorruptFile, match="truncated"):
        read_document(badfiles.truncated(_tiff_g4(), 0.3), Limits())


def test_tiff_over_page_limit():
    with pytest.raises(LimitExceeded, match="3 pages"):
        read_document(_tiff_g4(pages=3), Limits(max_pages=2))


def test_pixel_bomb_beyond_pillows_own_limit_is_an_error_not_a_warning():
    with pytest.raises(LimitExceeded, match="more pixels than allowed"):
        read_document(badfiles.png_header_only(30_000, 30_000), Limits())


def test_image_over_our_pixel_limit():
    with pytest.raises(LimitExceeded, match="megapixels, over the limit of 10"):
        read_document(badfiles.png_header_only(5_000, 5_000), Limits(max_pixels=10_000_000))


def test_page_of_pdf_over_pixel_limit():
    with pytest.raises(LimitExceeded, match="megapixels"):
        read_document(badfiles.text_pdf(), Limits(max_pixels=100_000))


def test_corrupt_png_body():
    data = badfiles.png(800, 800)
    broken = data[:60] + b"\x00" * 40 + data[100:]
    with pytest.raises(CorruptFile):
        read_document(broken, Limits())


def test_ocr_timeout_is_a_specific_retryable_error():
    page = Image.new("L", (1728, 2200), 255)
    page.paste(0, (100, 100, 1600, 140))
    buffer = io.BytesIO()
    page.save(buffer, format="PNG")
    with pytest.raises(OcrTimeout, match=r"longer than the 0\.01 s limit") as raised:
        read_document(buffer.getvalue(), Limits(ocr_timeout_seconds=0.01))
    assert raised.value.permanent is False


def _small(fmt: str, **options) -> bytes:
    image = Image.new("L", (320, 240), 255)
    for x in range(20, 300, 9):
        image.putpixel((x, 120), 0)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        _small("JPEG"),
        _small("JPEG", progressive=True),
        _small("PNG"),
        _tiff_g4(2),
        badfiles.text_pdf(),
    ],
    ids=["jpeg", "progressive-jpeg", "png", "tiff-g4", "pdf"],
)
@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow on cut EXIF: expected here
def test_a_file_cut_anywhere_is_a_permanent_corrupt_file_error(data):
    # Pillow, libtiff and pdfminer each raise their own types (a plain OSError "Truncated
    # File Read" from Pillow's JPEG header); each must say "unreadable, do not retry".
    cuts = sorted({*range(1, min(len(data), 600), 3), *(len(data) * k // 20 for k in range(1, 20))})
    outcomes = set()
    for cut in cuts:
        try:
            list(page_sources(data[:cut], Limits()))
        except ExtractError as exc:
            assert exc.permanent, (cut, exc.code)
            outcomes.add(exc.code)
    assert outcomes <= {"corrupt_file", "unsupported_type", "empty_file", "type_mismatch"}
    assert "corrupt_file" in outcomes
