"""Thin wrapper around tesseract: pages and crops read in process, timeouts, specific errors.

Pages and the crops of the second passes (a value's line, a signature band) are read through
libtesseract in process (tesserocr, built against the same system library as the tesseract
program): the model loads once per worker thread instead of once per read, and that load is
most of what a program run costs a crop (~0.12 s of CPU against ~0.01 s to read one line) and
a sixth of what it costs a page. A crash in the library takes the worker down with it; the
queue hands its document to another worker and fails it after the last attempt, as for any
worker that dies. Only the orientation check runs the program: it is rare (a page that reads
badly upright) and its model would otherwise sit in every worker's memory.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: tesseract's OpenMP threads fight each other and the other workers: on a 2-core machine a
#: page takes ~5 s with the default threads and ~0.8 s with one. Parallelism comes from workers.
#: Set before libtesseract loads with tesserocr: OpenMP reads it once, then.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import pytesseract
import tesserocr
from PIL import Image

from extractors.errors import OcrError, OcrTimeout, OcrUnavailable

_OSD_CONFIG = "--psm 0"
#: Whole pages: tesseract's own layout analysis finds the blocks, columns and lines.
_PAGE = tesserocr.PSM.AUTO
#: The resolution a page is read at: what the program assumes for an image file that names
#: none, as ours never do. Layout thresholds depend on it, and the extractor's figures were
#: measured with the program's reading; at 70 the two give the same words, boxes and
#: confidences (tested).
_PAGE_DPI = 70
#: Layouts of the crops read in process. One line of text and no layout analysis: a crop
#: around a single printed value.
_LINE = tesserocr.PSM.SINGLE_LINE
#: A block of lines read as one column, no layout analysis: a band of a form whose rows the
#: page's layout analysis took for a picture (dotted rules, a scribble across them).
_BLOCK = tesserocr.PSM.SINGLE_BLOCK
#: The columns of tesseract's TSV answer, as pytesseract names them for a page's run.
_TSV_COLUMNS = (
    "level", "page_num", "block_num", "par_num", "line_num", "word_num",
    "left", "top", "width", "height", "conf", "text",
)  # fmt: skip


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
    """OCR one page image and return its words in reading order."""
    return [word for _, word in _words(_read(image, _PAGE, "", timeout, lang))]


def recognize_block(image: Image.Image, timeout: float, lang: str = "eng") -> list[OcrWord]:
    """OCR a band of a page as one block of lines, each word with its line."""
    return [word for _, word in _words(_read(image, _BLOCK, "", timeout, lang))]


def recognize_lines(
    images: Sequence[Image.Image], timeout: float, whitelist: str = "", lang: str = "eng"
) -> list[list[OcrWord]]:
    """OCR each image as one line of text; words per image. ``whitelist`` limits the
    characters read; ``timeout`` bounds each image."""
    return [
        [word for _, word in _words(_read(image, _LINE, whitelist, timeout, lang))]
        for image in images
    ]


def _words(data: Mapping[str, Sequence[Any]]) -> list[tuple[int, OcrWord]]:
    """The words of a TSV answer, each with its row in that answer."""
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


#: The in-process engines of this thread, one per language, layout and character list: an
#: engine is not safe to share between threads, loading one costs what a program run does,
#: and changing an engine's character list costs a fifth of reading a line.
_engines = threading.local()


def _engine(lang: str, layout: int, whitelist: str) -> tesserocr.PyTessBaseAPI:
    loaded: dict[tuple[str, int, str], tesserocr.PyTessBaseAPI]
    loaded = _engines.__dict__.setdefault("loaded", {})
    if (lang, layout, whitelist) not in loaded:
        try:
            engine = tesserocr.PyTessBaseAPI(lang=lang, psm=layout)
        except RuntimeError as exc:
            raise OcrUnavailable("tesseract language data is missing") from exc
        # Faxes never carry white-on-black text; skipping tesseract's inverted re-read of
        # weak lines saves ~8% a page.
        engine.SetVariable("tessedit_do_invert", "0")
        engine.SetVariable("tessedit_char_whitelist", whitelist)
        loaded[lang, layout, whitelist] = engine
    return loaded[lang, layout, whitelist]


def _read(
    image: Image.Image, layout: int, whitelist: str, timeout: float, lang: str
) -> dict[str, list[str]]:
    """Read a page or a crop in process; its words in the columns of a program run's answer."""
    engine = _engine(lang, layout, whitelist)
    engine.SetImage(image)
    if layout == _PAGE:
        engine.SetSourceResolution(_PAGE_DPI)
    if not engine.Recognize(timeout=max(1, round(timeout * 1000))):
        what = "a page" if layout == _PAGE else "a crop"
        raise OcrTimeout(f"OCR of {what} took longer than the {timeout:g} s limit")
    rows = [row.split("\t") for row in engine.GetTSVText(0).splitlines()]
    columns = {name: [row[i] for row in rows] for i, name in enumerate(_TSV_COLUMNS)}
    # In whole percent, as the program gives a page's words theirs.
    columns["conf"] = [str(int(float(conf))) for conf in columns["conf"]]
    return columns


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
