"""TIFF Class F encoding: what a fax server writes to disk after receiving a transmission."""

from __future__ import annotations

import struct
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from PIL import Image

FAX_WIDTH = 1728
FAX_XDPI = 204
FAX_YDPI = {"fine": 196, "standard": 98}

# TIFF tag numbers used below (TIFF 6.0 / TIFF-F).
PHOTOMETRIC = 262
FILL_ORDER = 266
ORIENTATION = 274
T4_2D = 1

_STORED_AS: dict[int, Image.Transpose | None] = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
}


def to_fax_raster(
    page: Image.Image, resolution: Literal["fine", "standard"], threshold: int = 185
) -> Image.Image:
    """Bilevel page at fax resolution from an upright square-pixel 204 dpi page.

    Standard mode keeps every other scan line in effect, so rows shrink by 98/204 and each
    pixel ends up twice as tall as it is wide.
    """
    if page.width != FAX_WIDTH:
        raise ValueError(f"fax pages must be {FAX_WIDTH} px wide at 204 dpi, got {page.width}")
    grey = page.convert("L")
    rows = round(grey.height * FAX_YDPI[resolution] / FAX_XDPI)
    if rows != grey.height:
        grey = grey.resize((FAX_WIDTH, rows), Image.Resampling.BOX)
    return grey.point(lambda v: 255 if v >= threshold else 0).convert("1", dither=Image.Dither.NONE)


def _raw_tiff(frames: Sequence[Image.Image], ydpi: int, orientation: int) -> bytes:
    """Uncompressed little-endian multi-page TIFF, min-is-white, MSB-first.

    Written by hand because Pillow inverts min-is-white bilevel pages pixel by pixel in
    Python when saving, which is both slow and, in Pillow 13, wrong; libtiff (tiffcp) then
    does the CCITT coding.
    """
    out = bytearray(b"II*\x00\x00\x00\x00\x00")
    prev_link = 4
    for index, frame in enumerate(frames):
        # Pillow packs "1" with 1 = white; Class F stores 1 = black.
        data = frame.tobytes().translate(_INVERT)
        while len(out) % 2:
            out.append(0)
        data_at = len(out)
        out += data
        while len(out) % 2:
            out.append(0)
        rational_at = len(out)
        out += struct.pack("<IIII", FAX_XDPI, 1, ydpi, 1)
        tags: list[tuple[int, int, int, int]] = [  # (tag, type, count, value)
            (254, 4, 1, 2),  # NewSubfileType: page of a multi-page document
            (256, 4, 1, frame.width),
            (257, 4, 1, frame.height),
            (258, 3, 1, 1),
            (259, 3, 1, 1),
            (PHOTOMETRIC, 3, 1, 0),
            (FILL_ORDER, 3, 1, 1),
            (273, 4, 1, data_at),
            (ORIENTATION, 3, 1, orientation),
            (277, 3, 1, 1),
            (278, 4, 1, frame.height),
            (279, 4, 1, len(data)),
            (282, 5, 1, rational_at),
            (283, 5, 1, rational_at + 8),
            (296, 3, 1, 2),
            (297, 3, 2, index | (len(frames) << 16)),  # PageNumber: (page, total)
        ]
        ifd_at = len(out)
        struct.pack_into("<I", out, prev_link, ifd_at)
        out += struct.pack("<H", len(tags))
        for tag, typ, count, value in tags:
            if typ == 3 and count == 1:
                out += struct.pack("<HHIHH", tag, typ, count, value, 0)
            else:
                out += struct.pack("<HHII", tag, typ, count, value)
        prev_link = len(out)
        out += b"\x00\x00\x00\x00"
    return bytes(out)


_INVERT = bytes(255 - i for i in range(256))


def encode_fax_tiff(
    pages: Sequence[Image.Image],
    resolution: Literal["fine", "standard"],
    compression: Literal["group3", "group4"] = "group4",
    fill_order: Literal[1, 2] = 1,
    orientation: int = 1,
    g3_2d: bool = True,
) -> bytes:
    """Multi-page TIFF Class F bytes.

    Pages are upright square-pixel 204 dpi images 1728 px wide (any mode; they are
    thresholded). tiffcp (libtiff) does the CCITT coding and, for FillOrder 2, reverses the
    bits of every byte on write, which is what LSB-first fax servers produce.
    """
    if not pages:
        raise ValueError("a fax needs at least one page")
    if resolution not in FAX_YDPI:
        raise ValueError(f"resolution must be 'fine' or 'standard', not {resolution!r}")
    if fill_order not in (1, 2):
        raise ValueError("fill_order must be 1 or 2")
    if orientation not in _STORED_AS:
        # 5..8 swap axes, which would make the stored raster taller than 1728 wide: not Class F.
        raise ValueError("orientation must be 1, 2, 3 or 4 for a 1728-wide fax")
    if compression == "group4":
        scheme = "g4"
    elif compression == "group3":
        # EOLs byte-aligned ("fill"), as most fax modems write them.
        scheme = "g3:2d:fill" if g3_2d else "g3:1d:fill"
    else:
        raise ValueError(f"compression must be 'group3' or 'group4', not {compression!r}")
    frames = [to_fax_raster(p, resolution) for p in pages]
    flip = _STORED_AS[orientation]
    if flip is not None:
        # The tag says how stored rows map to the visual page, so store the page pre-flipped
        # and a reader that honours the tag (Pillow does) shows it upright.
        frames = [f.transpose(flip) for f in frames]
    raw = _raw_tiff(frames, FAX_YDPI[resolution], orientation)
    with tempfile.TemporaryDirectory(prefix="faxgen-") as tmp:
        src = Path(tmp) / "raw.tif"
        dst = Path(tmp) / "fax.tif"
        src.write_bytes(raw)
        fill = "lsb2msb" if fill_order == 2 else "msb2lsb"
        subprocess.run(
            ["tiffcp", "-c", scheme, "-f", fill, "-r", str(frames[0].height), str(src), str(dst)],
            check=True,
            capture_output=True,
        )
        return dst.read_bytes()


def stretch_standard(img: Image.Image) -> Image.Image:
    """Double the rows of a standard-resolution page so pixels are square again (for OCR)."""
    return img.resize((img.width, img.height * 2), Image.Resampling.NEAREST)
