"""Thin wrapper around the tesseract program: one call per page, timeouts, specific errors."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytesseract
from PIL import Image

from extractors.errors import OcrError, OcrTimeout, OcrUnavailable

#: tesseract's OpenMP threads fight each other and the other workers: on a 2-core machine a
#: page takes ~5 s with the default threads and ~0.8 s with one. Parallelism comes from workers.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

#: Faxes never carry white-on-black text; skipping tesseract's inverted re-read of weak lines
#: saves ~8% per page.
_OCR_CONFIG = "--psm 3 -c tessedit_do_invert=0"
_OSD_CONFIG = "--psm 0"
#: One line of text and no layout analysis: for crops around a single printed value.
_LINE_CONFIG = "--psm 7 -c tessedit_do_invert=0"
#: A block of lines read as one column, no layout analysis: a band of a form whose rows the
#: page's layout analysis took for a picture (dotted rules, a scribble across them).
_BLOCK_CONFIG = "--psm 6 -c tessedit_do_invert=0"


@dataclass(frozen=True)
class OcrWord:
    text: str
    conf: float  # 0..1
    left: int
    top: int
    width: int
    height: int
    line_key: tuple[int, int, int]


def recognize(image: Image.Image, timeout: float, lang: str = "eng") -> list[OcrWord]:
    """OCR one page image in a single tesseract run and return its words in reading order."""
    data = _call(pytesseract.image_to_data, image, timeout, lang=lang, config=_OCR_CONFIG)
    return [word for _, word in _words(data)]


def recognize_block(image: Image.Image, timeout: float, lang: str = "eng") -> list[OcrWord]:
    """OCR a band of a page as one block of lines, each word with its line."""
    data = _call(pytesseract.image_to_data, image, timeout, lang=lang, config=_BLOCK_CONFIG)
    return [word for _, word in _words(data)]


def recognize_lines(
    images: Sequence[Image.Image], timeout: float, whitelist: str = "", lang: str = "eng"
) -> list[list[OcrWord]]:
    """OCR each image as one line of text, all in a single tesseract run; words per image.

    Tesseract takes a list of images as the pages of one run: the model loads once, which is
    most of the cost of reading a small crop. ``whitelist`` limits the characters read.
    """
    if not images:
        return []
    config = _LINE_CONFIG + (f" -c tessedit_char_whitelist={whitelist}" if whitelist else "")
    data = _call(pytesseract.image_to_data, images, timeout, lang=lang, config=config)
    lines: list[list[OcrWord]] = [[] for _ in images]
    for i, word in _words(data):
        lines[int(data["page_num"][i]) - 1].append(word)
    return lines


def _words(data: dict[str, Any]) -> list[tuple[int, OcrWord]]:
    """The words of an image_to_data answer, each with its row in that answer."""
    words: list[tuple[int, OcrWord]] = []
    for i, text in enumerate(data["text"]):
        conf = float(data["conf"][i])
        if conf < 0 or not text.strip():
            continue
        words.append(
            (
                i,
                OcrWord(
                    text=text.strip(),
                    conf=min(conf, 100.0) / 100.0,
                    left=int(data["left"][i]),
                    top=int(data["top"][i]),
                    width=int(data["width"][i]),
                    height=int(data["height"][i]),
                    line_key=(
                        int(data["block_num"][i]),
                        int(data["par_num"][i]),
                        int(data["line_num"][i]),
                    ),
                ),
            )
        )
    return words


def clockwise_rotation(image: Image.Image, timeout: float) -> int:
    """Degrees to turn the page clockwise to make it upright (0 when tesseract can't tell)."""
    try:
        osd = _call(pytesseract.image_to_osd, image, timeout, config=_OSD_CONFIG)
    except OcrTimeout:
        raise
    except OcrError:
        # OSD refuses pages with too few characters; such a page is left as it is.
        return 0
    return int(osd.get("rotate", 0)) % 360


def _call(
    function: Callable[..., dict[str, Any]],
    image: Image.Image | Sequence[Image.Image],
    timeout: float,
    **kwargs: str,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="intake-ocr-") as folder:
        # Uncompressed PBM/PGM: pytesseract's own hand-over is a default-compression PNG,
        # which costs ~40 ms a page to write and again to read (5% of an OCR run).
        if isinstance(image, Image.Image):
            path = Path(folder) / "page.pnm"
            image.save(path)
        else:
            # A text file naming one image a line is read as the pages of one document.
            names = []
            for number, each in enumerate(image):
                names.append(str(Path(folder) / f"line{number}.pnm"))
                each.save(names[-1])
            path = Path(folder) / "lines.txt"
            path.write_text("\n".join(names) + "\n")
        try:
            return function(
                str(path), output_type=pytesseract.Output.DICT, timeout=timeout, **kwargs
            )
        except pytesseract.TesseractNotFoundError as exc:
            raise OcrUnavailable("tesseract is not installed or not on PATH") from exc
        except pytesseract.TesseractError as exc:
            if "Failed loading language" in str(exc.message):
                raise OcrUnavailable("tesseract language data is missing") from exc
            raise OcrError(f"tesseract failed with exit status {exc.status}") from exc
        except RuntimeError as exc:
            # pytesseract kills the child and says so with a bare RuntimeError.
            if "timeout" in str(exc).lower():
                raise OcrTimeout(f"OCR of a page took longer than the {timeout:g} s limit") from exc
            raise
