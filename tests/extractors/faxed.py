"""Lines of typed text on a page, sent as a fine fax and read by the real readers."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from extractors.limits import Limits
from extractors.pages import ReadPage
from extractors.readers import read_document
from samples.fax import encode_fax_tiff

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def faxed_lines(lines: list[str], *, height: int = 700) -> list[ReadPage]:
    """``lines`` typed one under another in 27 px DejaVu Sans, faxed fine and read."""
    image = Image.new("L", (1728, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 27)
    for at, text in enumerate(lines):
        draw.text((120, 100 + 70 * at), text, fill=0, font=font)
    return read_document(encode_fax_tiff([image], "fine"), Limits())


def faxed_cells(cells: list[tuple[int, int, str]], *, height: int = 900) -> list[ReadPage]:
    """Texts typed at (x, y) pixels in 27 px DejaVu Sans, faxed fine and read: a form's
    cells set where the test needs them (a head's wrapped end close under it)."""
    image = Image.new("L", (1728, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 27)
    for x, y, text in cells:
        draw.text((x, y), text, fill=0, font=font)
    return read_document(encode_fax_tiff([image], "fine"), Limits())
