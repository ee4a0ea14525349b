"""Thin wrapper around the tesseract program: one call per page, timeouts, specific errors."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
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
    words: list[OcrWord] = []
    for i, text in enumerate(data["text"]):
        conf = float(data["conf"][i])
        if conf < 0 or not text.strip():
            continue
        words.append(
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
    function: Callable[..., dict[str, Any]], image: Image.Image, timeout: float, **kwargs: str
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="intake-ocr-") as folder:
        # Uncompressed PBM/PGM: pytesseract's own hand-over is a default-compression PNG,
        # which costs ~40 ms a page to write and again to read (5% of an OCR run).
        path = Path(folder) / "page.pnm"
        image.save(path)
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
