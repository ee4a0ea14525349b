"""Thin wrapper around tesseract: pages and crops read in process, timeouts, specific errors.

Pages and the crops of the second passes (a value's line, a signature band) are read through
libtesseract in process (tesserocr, built against the same system library as the tesseract
program): the model loads once per worker thread instead of once per read, and that load is
most of what a program run costs a crop (~0.12 s of CPU against ~0.01 s to read one line) and
a sixth of what it costs a page. A crash in the library takes the worker down with it; the
queue hands its document to another worker and fails it after the last attempt, as for any
worker that dies. Only the orientation check runs the program: it is rare (a page that reads
badly upright) and its model would otherwise sit in every worker's memory.

tesseract's OpenMP threads fight each other and the other workers: on a 2-core machine a page
takes ~5 s with the default threads and ~0.8 s with one, a crop 6x longer. Parallelism comes
from workers, so each read is given one thread unless the operator set ``OMP_THREAD_LIMIT``:
an engine by its thread's OpenMP setting (libgomp reads its environment once, when it loads,
so an engine cannot be given one), the program by the environment of its run.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tesserocr
from PIL import Image

from extractors.errors import OcrError, OcrTimeout, OcrUnavailable

#: Orientation and script detection only: the answer names the turn that makes a page upright.
_OSD_ARGS = ("--psm", "0")
_THREAD_LIMIT = "OMP_THREAD_LIMIT"
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
#: The columns of tesseract's TSV answer, as its header names them.
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
    if not hasattr(_engines, "loaded"):
        _engines.loaded = {}
        _one_openmp_thread()
    loaded: dict[tuple[str, int, str], tesserocr.PyTessBaseAPI] = _engines.loaded
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


def _one_openmp_thread() -> None:
    """Run this thread's OpenMP regions (libtesseract's) on this thread alone, as
    ``OMP_THREAD_LIMIT=1`` runs the program's: with no active levels allowed, a region starts
    no threads. The setting is the calling thread's own (libgomp 12)."""
    if _THREAD_LIMIT in os.environ:
        return  # the operator's number, which libgomp read as it loaded
    try:
        openmp = ctypes.CDLL("libgomp.so.1")  # the copy libtesseract loaded, if it uses OpenMP
    except OSError:
        return  # a libtesseract built without OpenMP starts no threads
    openmp.omp_set_max_active_levels(0)


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
        osd = _run_program(image, timeout, _OSD_ARGS)
    except OcrTimeout:
        raise
    except OcrError:
        # OSD refuses pages with too few characters; such a page is left as it is.
        return 0
    # "Rotate: 90" among the answer's "Name: value" lines.
    fields = dict(line.partition(": ")[::2] for line in osd.splitlines())
    return int(fields.get("Rotate", "0")) % 360


def _run_program(image: Image.Image, timeout: float, args: Sequence[str]) -> str:
    """One run of the tesseract program on ``image``, its answer on stdout; killed after
    ``timeout`` seconds. Its environment is this process's, with one OpenMP thread unless
    the operator set a number."""
    with tempfile.TemporaryDirectory(prefix="intake-ocr-") as folder:
        # Uncompressed PBM/PGM: a default-compression PNG costs ~40 ms a page to write and
        # again to read (5% of an OCR run).
        path = Path(folder) / "page.pnm"
        image.save(path)
        try:
            run = subprocess.run(
                ["tesseract", str(path), "stdout", *args],
                env={_THREAD_LIMIT: "1", **os.environ},
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except FileNotFoundError as exc:
            raise OcrUnavailable("tesseract is not installed or not on PATH") from exc
        except subprocess.TimeoutExpired as exc:
            raise OcrTimeout(f"OCR of a page took longer than the {timeout:g} s limit") from exc
    if run.returncode != 0:
        if b"Failed loading language" in run.stderr:
            raise OcrUnavailable("tesseract language data is missing")
        raise OcrError(f"tesseract failed with exit status {run.returncode}")
    return run.stdout.decode("utf-8")
