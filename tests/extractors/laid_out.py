"""Hand-built pages for label-pairing tests: rows of (x0, text) cells laid out as OCR boxes."""

from __future__ import annotations

from extractors.pages import Line, Page, Word, union


def laid_out_page(
    rows: list[list[tuple[float, str]]],
    *,
    number: int = 1,
    conf: dict[str, float] | None = None,
    char: float = 0.009,
    line_height: float = 0.012,
) -> Page:
    """A page from rows of (x0, text) cells; each cell's words run left to right.

    ``char`` and ``line_height`` are a character's width and a line's height as fractions
    of the page; ``conf`` sets the OCR confidence of the words it names (else 0.95).
    """
    words: list[Word] = []
    lines: list[Line] = []
    for index, cells in enumerate(rows):
        y0 = 0.1 + index * 0.02
        row: list[Word] = []
        for x0, text in cells:
            x = x0
            for token in text.split():
                box = (x, y0, x + len(token) * char, y0 + line_height)
                score = (conf or {}).get(token, 0.95)
                row.append(Word(text=token, conf=score, bbox=box, line=index))
                x = box[2] + char
        words += row
        lines.append(
            Line(text=" ".join(w.text for w in row), bbox=union([w.bbox for w in row]), conf=0.95)
        )
    return Page(number=number, width=612, height=792, source="text_layer", words=words, lines=lines)
