"""Pages and the second passes' crops, read by libtesseract in process: the same words as the
tesseract program gives, the characters a list allows, one engine per thread, and a bounded
time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

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
