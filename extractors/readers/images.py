"""TIFF (including CCITT Class F faxes), PNG and JPEG pages through Pillow."""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image, UnidentifiedImageError

from extractors.errors import CorruptFile, LimitExceeded
from extractors.limits import Limits
from extractors.preprocess import STRETCHED

_ORIENTATION_TAG = 0x0112
#: How to undo each TIFF/EXIF Orientation value; 1 (or absent) is already upright.
_UNDO_ORIENTATION: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
#: What Pillow and libtiff raise on damaged bytes (read from memory, so never a disk's error):
#: "Truncated File Read", a bad marker, a short struct, a tag pointing past the end, a TIFF
#: frame whose dimension tags were cut off ("Missing dimensions", a TypeError).
_DAMAGED = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    struct.error,
)
#: Resolutions closer than this are treated as square (rounding in writers' rational tags).
_SQUARE_TOLERANCE = 0.1


def image_pages(data: bytes, limits: Limits) -> Iterator[Image.Image]:
    """Each page (TIFF frame) upright and with square pixels, ready for OCR."""
    with _opened(data) as image:
        try:
            count = getattr(image, "n_frames", 1)
        except _DAMAGED as exc:
            raise CorruptFile("the image's page directory is truncated or damaged") from exc
        if count > limits.max_pages:
            raise LimitExceeded(f"the file has {count} pages, over the limit of {limits.max_pages}")
        for index in range(count):
            try:
                image.seek(index)
            except _DAMAGED as exc:
                raise CorruptFile(f"page {index + 1} of the image is truncated or damaged") from exc
            yield _upright_square_frame(image, index + 1, limits)


@contextmanager
def _opened(data: bytes) -> Iterator[Image.Image]:
    # Pillow only warns below twice its own pixel limit; a bomb must be an error, never a warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                yield image
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise LimitExceeded("the image has more pixels than allowed") from exc
        except (UnidentifiedImageError, *_DAMAGED) as exc:
            # The bytes are in memory: an OSError here ("Truncated File Read") is the file's
            # damage, not a disk's, and the same bytes will always fail.
            raise CorruptFile(
                "the image cannot be decoded: it is truncated or its header is damaged"
            ) from exc


def _upright_square_frame(image: Image.Image, number: int, limits: Limits) -> Image.Image:
    try:
        x_dpi, y_dpi = _resolution(image)
    except _DAMAGED as exc:
        raise CorruptFile(f"the header of page {number} is damaged") from exc
    width, height = image.size
    # Fax "standard" rows are twice as tall as they are wide (204x98 dpi): stretch to square.
    if y_dpi and x_dpi and abs(x_dpi - y_dpi) / max(x_dpi, y_dpi) > _SQUARE_TOLERANCE:
        if y_dpi < x_dpi:
            height = round(height * x_dpi / y_dpi)
        else:
            width = round(width * y_dpi / x_dpi)
    if width * height > limits.max_pixels:
        raise LimitExceeded(
            f"page {number} is {width * height / 1e6:.0f} megapixels,"
            f" over the limit of {limits.max_pixels / 1e6:.0f}"
        )
    try:
        image.load()
        # After load: PNG keeps its orientation in a chunk that may follow the pixel data.
        orientation = _orientation(image)
        frame = image.copy()
    except _DAMAGED as exc:
        raise CorruptFile(f"the image data of page {number} is truncated or corrupt") from exc
    stretched = frame.size != (width, height)
    if stretched:
        # Nearest keeps a 1-bit fax crisp: each row is repeated, as a fax printer does.
        frame = frame.resize((width, height), Image.Resampling.NEAREST)
    if orientation in _UNDO_ORIENTATION:
        frame = frame.transpose(_UNDO_ORIENTATION[orientation])
    if stretched:
        frame.info[STRETCHED] = True
    return frame


def _resolution(image: Image.Image) -> tuple[float, float]:
    dpi = image.info.get("dpi")
    if isinstance(dpi, tuple) and len(dpi) == 2:
        return float(dpi[0]), float(dpi[1])
    return 0.0, 0.0


def _orientation(image: Image.Image) -> int:
    tags = getattr(image, "tag_v2", None)
    if tags is not None:
        return int(tags.get(_ORIENTATION_TAG, 1))
    return int(image.getexif().get(_ORIENTATION_TAG, 1))
