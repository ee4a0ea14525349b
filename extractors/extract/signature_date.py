"""The date of signing when the page's OCR lost it: the band around the signature read again.

Tesseract's layout analysis may take a form's rows between dotted rules, with a pen stroke
across them, for a picture and return no words for them; it may also read a date typed on
its own short rule beside the signature as noise. The "Date of practitioner signature" row
under a signature, or the date over a "Date" caption beside it, is then missing from the
page's words. So when a signature place has no date beside it, the band from the top of its
area to a few rows under its caption is read again as one block of lines, without layout
analysis, and a date is taken from that reading only where a caption names it the date of
signing or of the order:

- on its own line, before it ("Date signed: ...", "7. Date of practitioner signature ...");
- or a bare "Date" printed right under it, as under the rule the date is typed on.

A date of another role in the band ("Start", "Face-to-face", "Date received") is left alone.
A date far from the fax is still taken: the rules flag it, as any date read off the page.
"""

from __future__ import annotations

from datetime import date
from difflib import SequenceMatcher

from extractors import tesseract
from extractors.errors import OcrError
from extractors.extract.captions import caption_path, names_another_date
from extractors.extract.found import Found, found_from_words
from extractors.normalize.dates import find_dates, parse_date
from extractors.pages import ReadPage, Word
from extractors.preprocess import without_rules

#: The band reaches this many text heights under the signature's caption: a form's row
#: ("7. Date of practitioner signature") may follow a caption printed under the rule, and
#: the caption itself may be lost, leaving the label beside the scribble as the caption.
_BELOW_CAPTION = 8.0
#: And starts this many text heights above the top of the signature area.
_ABOVE_AREA = 0.5
#: A "Date" caption under a date is printed within this many text heights of it.
_UNDER_DATE = 2.5
#: A caption's word is "date" misread by a letter ("Dale", "bate") at this likeness.
_ALIKE_DATE = 0.75
#: The captions of the date of signing, as paths their cue words name.
_SIGNING_PATHS = frozenset({"dates.signature", "dates.order"})
#: Words that caption the date of signing by themselves ("Date:", "Dated", "Signed on").
_DATE_WORDS = frozenset({"date", "dated", "signed", "on"})
_TIMEOUT_SECONDS = 10.0


def reread_signature_date(
    read: ReadPage, top: float, caption: Word, height: float, day: date
) -> Found[date] | None:
    """The date of signing read again from the band from ``top`` (a fraction of the page)
    to a few rows under the signature's ``caption``; ``height`` is the page's text height."""
    lines = band_lines(read, top - _ABOVE_AREA * height, caption.bbox[3] + _BELOW_CAPTION * height)
    for number, line in enumerate(lines):
        text = " ".join(w.text for w in line)
        after = 0
        for start, end, raw in find_dates(text):
            parsed = parse_date(raw, "signature", day)
            words = words_at(line, start, len(raw))
            captioned = _names_signing(text[after:start]) or _dated_below(
                words, lines[number + 1 :], height
            )
            after = end
            if parsed is not None and captioned:
                return found_from_words(parsed.date, read.page, words)
    return None


def words_at(line: list[Word], start: int, length: int) -> list[Word]:
    """The words of ``line`` covering characters start..start+length of their joined text."""
    chosen, offset = [], 0
    for word in line:
        end = offset + len(word.text)
        if end > start and offset < start + length:
            chosen.append(word)
        offset = end + 1
    return chosen or line[:1]


def band_lines(read: ReadPage, top: float, bottom: float) -> list[list[Word]]:
    """The band's words, as words of the page, in lines top to bottom, each left to right."""
    grey = read.grey()
    width, height = grey.size
    y0, y1 = max(0, int(top * height)), min(height, int(bottom * height))
    if y1 <= y0:
        return []
    band = without_rules(grey.crop((0, y0, width, y1)))
    try:
        found = tesseract.recognize_block(band, _TIMEOUT_SECONDS)
    except OcrError:
        return []
    keys = list(dict.fromkeys(w.line_key for w in found))
    lines: list[list[Word]] = [[] for _ in keys]
    for w in found:
        box = (w.left / width, (y0 + w.top) / height, (w.left + w.width) / width)
        bbox = (*box, (y0 + w.top + w.height) / height)
        number = keys.index(w.line_key)
        lines[number].append(Word(text=w.text, conf=w.conf, bbox=bbox, line=number))
    return [sorted(line, key=lambda w: w.bbox[0]) for line in lines]


def _names_signing(caption: str) -> bool:
    """Whether the text before a date on its line captions it as the date of signing."""
    if names_another_date(caption):
        return False
    path = caption_path(caption)
    if path in _SIGNING_PATHS:
        return True
    words = caption.lower().replace(":", " ").split()
    return path is None and bool(words) and _is_date_word(words[-1])


def _dated_below(value: list[Word], below: list[list[Word]], height: float) -> bool:
    """Whether a bare "Date" is printed right under the date (the caption under its rule)."""
    left, bottom, right = value[0].bbox[0], max(w.bbox[3] for w in value), value[-1].bbox[2]
    for line in below:
        for i, word in enumerate(line):
            under = bottom <= word.bbox[1] <= bottom + _UNDER_DATE * height
            if not (under and word.bbox[0] < right and word.bbox[2] > left):
                continue
            phrase = " ".join(w.text for w in line[i : i + 2])
            return _is_date_word(word.text.lower()) and not names_another_date(phrase)
    return False


def _is_date_word(word: str) -> bool:
    key = word.strip(".,;:'\"|()[]{}")
    return key in _DATE_WORDS or (
        key[:1] in "db" and SequenceMatcher(None, key, "date").ratio() >= _ALIKE_DATE
    )
