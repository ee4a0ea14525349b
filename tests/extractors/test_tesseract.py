"""Pages and the second passes' crops, read by libtesseract in process: the same words as the
tesseract program gives, the characters a list allows, one engine per thread, and a bounded
time. Each read, in process or by the program, is held to one OpenMP thread unless the
operator set OMP_THREAD_LIMIT."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytesseract
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors import tesseract
from extractors.errors import OcrTimeout

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def printed(text: str, size: int = 28) -> Image.Image:
    """A line of print on white, as a crop around one value is."""
    font = ImageFont.truetype(FONT, size)
    left, top, right, bottom = (round(edge) for edge in font.getbbox(text))
    image = Image.new("L", (right - left + 40, bottom - top + 40), 255)
    ImageDraw.Draw(image).text((20 - left, 20 - top), text, fill=0, font=font)
    return image


def program_words(image: Image.Image, config: str) -> list[str]:
    data = pytesseract.image_to_data(image, config=config, output_type=pytesseract.Output.DICT)
    return [
        t.strip() for t, c in zip(data["text"], data["conf"], strict=True) if c != -1 and t.strip()
    ]


@pytest.mark.parametrize(
    "text", ["NPI 1234567893", "Date signed: 03/14/2026", "Phone (555) 201-7788"]
)
def test_a_line_reads_as_the_program_reads_it(text):
    image = printed(text)
    [line] = tesseract.recognize_lines([image], timeout=10)
    assert [w.text for w in line] == program_words(image, "--psm 7")
    assert " ".join(w.text for w in line) == text
    # Confidences in whole percent, boxes inside the crop, one line.
    assert all(w.conf * 100 == int(w.conf * 100) for w in line)
    assert all(0 <= w.left < image.width and 0 <= w.top < image.height for w in line)
    assert len({w.line_key for w in line}) == 1


def test_a_page_reads_as_the_program_reads_it_word_box_and_confidence():
    """The extractor's figures were measured on the program's reading of pages."""
    page = Image.new("L", (1728, 1100), 255)
    lines = ["Patient: Jane Roe DOB 03/14/1948", "Dx: J44.1 E11.65", "NPI 1234567893"]
    for row, text in enumerate(lines):
        page.paste(printed(text, 30), (120 + 300 * (row % 2), 150 + row * 260))
    data = pytesseract.image_to_data(
        page, config="--psm 3 -c tessedit_do_invert=0", output_type=pytesseract.Output.DICT
    )
    expected = [
        (t.strip(), int(c) / 100, left, top, width, height)
        for t, c, left, top, width, height in zip(
            data["text"], data["conf"], data["left"], data["top"], data["width"],
            data["height"], strict=True,
        )
        if float(c) >= 0 and t.strip()
    ]  # fmt: skip
    words = tesseract.recognize(page, timeout=10)
    assert [(w.text, w.conf, w.left, w.top, w.width, w.height) for w in words] == expected
    assert {"Patient:", "Roe", "03/14/1948", "J44.1", "1234567893"} <= {w.text for w in words}


def test_each_image_of_a_list_gets_its_own_words():
    lines = tesseract.recognize_lines([printed("Qty 12"), printed("HCPCS E0260")], timeout=10)
    assert [[w.text for w in line] for line in lines] == [["Qty", "12"], ["HCPCS", "E0260"]]


def test_a_character_list_limits_what_is_read_and_holds_for_that_list_only():
    image = printed("ID 8O7I2")
    [digits] = tesseract.recognize_lines([image], timeout=10, whitelist="0123456789")
    assert all(c.isdigit() for w in digits for c in w.text)
    [free] = tesseract.recognize_lines([image], timeout=10)
    assert any(c.isalpha() for w in free for c in w.text)


def test_a_block_reads_its_lines_apart():
    band = Image.new("L", (900, 160), 255)
    band.paste(printed("Dr. Ana Ruiz MD"), (10, 10))
    band.paste(printed("Date signed 04/02/2026"), (10, 80))
    words = tesseract.recognize_block(band, timeout=10)
    lines: dict[tuple[int, int, int], list[str]] = {}
    for w in words:
        lines.setdefault(w.line_key, []).append(w.text)
    assert [" ".join(line) for line in lines.values()] == [
        "Dr. Ana Ruiz MD",
        "Date signed 04/02/2026",
    ]


def test_threads_read_with_engines_of_their_own():
    texts = [f"1{n:03d}-55{n:02d}" for n in range(12)]

    def read(text: str) -> str:
        [line] = tesseract.recognize_lines([printed(text)], timeout=10, whitelist="0123456789-")
        return " ".join(w.text for w in line)

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(read, texts)) == texts


def test_a_crop_over_its_time_is_a_timeout():
    band = Image.new("L", (2400, 1600), 255)
    for row in range(20):
        band.paste(
            printed("Lorem ipsum dolor sit amet consectetur 0123456789" * 2, 20),
            (10, 10 + row * 78),
        )
    with pytest.raises(OcrTimeout, match=r"longer than the 0\.001 s limit"):
        tesseract.recognize_block(band, timeout=0.001)


#: A crop read in a thread of its own, then the threads of the process while that thread
#: lives: libgomp's pool threads live as long as the thread that started them.
_THREADS_WHILE_READING = textwrap.dedent(
    f"""
    import os, threading
    from PIL import Image, ImageDraw, ImageFont
    from extractors import tesseract
    font = ImageFont.truetype({FONT!r}, 28)
    image = Image.new("L", (600, 60), 255)
    ImageDraw.Draw(image).text((10, 10), "NPI 1234567893 E1390", fill=0, font=font)
    counts = []
    def read():
        tesseract.recognize_lines([image], 10)
        counts.append(len(os.listdir("/proc/self/task")))
    reader = threading.Thread(target=read)
    reader.start()
    reader.join()
    print(counts[0])
    """
)


def _without_thread_limit() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="OpenMP starts no pool on one core")
def test_an_engine_starts_no_openmp_threads_without_the_environment_saying_so():
    """libgomp reads OMP_THREAD_LIMIT only as it loads; unset, a crop would start a pool of
    threads (a line read 6x slower on 2 cores). The reader's thread runs them alone."""
    run = subprocess.run(
        [sys.executable, "-c", _THREADS_WHILE_READING],
        env=_without_thread_limit(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.strip() == "2"  # the main thread and the reader


def _recording_program(folder: Path) -> Path:
    """A `tesseract` on PATH that writes down its OMP_THREAD_LIMIT and answers as the
    orientation check does."""
    program = folder / "tesseract"
    program.write_text(
        "#!/bin/sh\n"
        f"printf '%s' \"${{OMP_THREAD_LIMIT-unset}}\" > {folder / 'limit'}\n"
        "printf 'Page number: 0\\nOrientation in degrees: 270\\nRotate: 90\\n'\n"
    )
    program.chmod(0o755)
    return folder / "limit"


@pytest.mark.parametrize(("given", "seen"), [(None, "1"), ("3", "3")])
def test_a_program_run_gets_one_thread_unless_the_operator_set_a_number(
    tmp_path, monkeypatch, given, seen
):
    limit = _recording_program(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    if given is None:
        monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    else:
        monkeypatch.setenv("OMP_THREAD_LIMIT", given)
    assert tesseract.clockwise_rotation(printed("E1390"), timeout=10) == 90
    assert limit.read_text() == seen
    assert os.environ.get("OMP_THREAD_LIMIT") == given  # this process's own is left alone
