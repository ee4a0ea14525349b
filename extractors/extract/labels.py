"""Label→value pairing: find printed labels on a page and the words that answer them.

Labels come from ``extractors/data/labels.toml`` and are matched with a spaCy PhraseMatcher
over each line's text, so wordings stay data. A value is read from the layout, not from
the text alone: first to the right of the label on its line, up to the next label or a
column gap; else from the lines below, in the label's column.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import pairwise, product
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from extractors.normalize.dates import find_dates
from extractors.normalize.lookalikes import fold_label, same_shape
from extractors.normalize.names import CREDENTIALS
from extractors.normalize.phones import find_phones
from extractors.pages import BBox, Page, Word, union

# spaCy loads on first use, not on import: the commands and pages that never extract
# (`intake status`, the review UI) import these modules through the rules and skip its 0.7 s.
if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher

LABELS_FILE = Path(__file__).resolve().parent.parent / "data" / "labels.toml"

Party = Literal["member", "clinician", "other"]
_Whose = TypeVar("_Whose", Party, Party | None)
Layout = Literal["right", "below", "above"]

#: Kinds of match that are not a contract path.
OTHER_PARTY = "party:other"
STOP = "stop"
SIGNATURE = "signature"

# A space wider than this many line heights separates two columns (cells), not two words.
_COLUMN_GAP_LINE_HEIGHTS = 1.2
# Lines further apart than this many line heights no longer continue the same value.
_MAX_LINE_STEP_HEIGHTS = 2.6
_MAX_VALUE_LINES = 4
# Words may start a little left of the label they answer (centred or numbered cells).
_COLUMN_SLACK = 0.02
# Marks that end a label ("DOB:", OCR's "DOB;", "NPI#") or sit alone between label and value.
_LABEL_END = ":;#"
_PUNCT_ONLY = re.compile(r"^[\W_]+$")
# Below this OCR confidence a word of one or two letters is taken for dirt, not a value.
_SPECK_CONFIDENCE = 0.3
# The number of a numbered form box: "2.", "18.A.", "(7)", "B."
# (OCR reads the dot as a comma or a colon and a box's rule as "|": "7,", "2:", "|2,")
_BOX_NUMBER = re.compile(r"^[|(]?(\d{1,2}[A-Za-z]?|[A-Z])[.),:](?:[A-Za-z][.,])?$")
# A tick box opening a checklist's row, as OCR reads one: "[X]", "[X)", "{X]", "XJ", "x", "[ ]",
# "[X]}-" (a dotted leader's dot read as a bracket). Its opening bracket may be read as a
# letter or a digit ("IX]", "lX]", "1X]"), but only before a mark and a closing bracket: "I"
# alone is a word.
_TICK_BOX = re.compile(
    r"^(?:[\[({|]?[xX\u2713\u2714\u2612\u2611\u2610]?[\])}|jJ]{0,2}|[Il1][xX][\])}|jJ]{1,2})[-._]?$"
)
# Marks after which a new cell may start on the same line: "RE: JOHN SMITH, DOB 1/2/45".
_CELL_SEPARATORS = ",;|"
#: Marks a form prints between the cells of one row ("NPI 1234 | T 919...").
_SEPARATORS = frozenset({"|", "||", "\u2022", "\u00b7", "\u2502"})
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


@dataclass(frozen=True)
class LabelSpec:
    path: str
    party: Party | None
    #: A generic label ("Phone", "NPI") names no party: it takes the section's.
    generic: bool
    #: Common words ("To", "From") are labels only when a colon follows.
    needs_colon: bool = False


@dataclass(frozen=True)
class Vocabulary:
    nlp: Language
    matcher: PhraseMatcher
    specs: dict[str, LabelSpec]
    #: The words of every listed label, folded as lines are for matching.
    words: frozenset[str] = frozenset()


@dataclass
class Row:
    """A printed row: the words side by side across the page, left to right."""

    words: list[Word]
    text: str
    #: Start and end character of each word in ``text``.
    spans: list[tuple[int, int]]


@dataclass(frozen=True)
class LabelHit:
    """One label found on a line: which words print it and what it introduces."""

    spec: LabelSpec
    line: int
    first: int
    #: Where the label's cell opens: ``first``, or its box number ("2." of "2. Start of Care").
    opener: int
    #: Index of the word after the label, in the line's words.
    after: int
    text: str
    #: A label glued to its value ("DOB:01/02/45") leaves the value part here.
    rest: Word | None
    strong: bool
    party: Party | None


@dataclass(frozen=True)
class Candidate:
    """A value found for a label: the words, and how they were paired with the label."""

    path: str
    page: Page
    label: str
    layout: Layout
    #: The value's words, line by line; ``words`` is all of them in reading order.
    lines: list[list[Word]]
    #: Whose section the label sits in, after generic labels took their section's party.
    party: Party | None
    #: The line beside (or under) a signature line: a bare "Date" there is the signature date.
    near_signature: bool = False
    words: list[Word] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", [w for line in self.lines for w in line])

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def _variants(label: str) -> set[str]:
    # OCR and typists drop dots ("DOB", "Policy No") and add marks; the tokenizer splits
    # trailing marks off, so only the dotless spelling needs adding. Short words are
    # abbreviated with a dot as often as not: "Pt Name" is printed "Pt. Name" too.
    bare = label.replace(".", "")
    options = [(w, f"{w}.") if w.isalpha() and len(w) <= 4 else (w,) for w in bare.split(" ")]
    dotted = {" ".join(words) for words in product(*options)}
    return ({label, bare, label.rstrip(".")} | dotted) - {""}


def _tokenizer(nlp: Language) -> Language:
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_suffix_regex

    # Split "DOB:01/02/45", "NPI#123" and "Telephone:315" at the mark, as a reader would.
    infixes = [*(nlp.Defaults.infixes or ()), r"[:;#]"]
    # ...and "(Last, First):" at the mark after the bracket.
    suffixes = [*(nlp.Defaults.suffixes or ()), r"[:;#]"]
    default: Any = nlp.tokenizer
    # A new tokenizer made with all its changes at once: each change made to one in place
    # loads its special cases again (~0.05 s each).
    nlp.tokenizer = Tokenizer(
        nlp.vocab,
        # Emoticon exceptions keep "):" whole; forms print it after "(Last, First)".
        rules={k: v for k, v in default.rules.items() if any(c.isalnum() for c in k)},
        prefix_search=default.prefix_search,
        suffix_search=compile_suffix_regex(suffixes).search,
        infix_finditer=compile_infix_regex(infixes).finditer,
        token_match=default.token_match,
        url_match=default.url_match,
    )
    return nlp


@cache
def vocabulary(path: Path = LABELS_FILE) -> Vocabulary:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries: list[tuple[str, LabelSpec]] = []
    for name, spec in data["fields"].items():
        party = spec.get("party")
        entries += [(label, LabelSpec(name, party, False)) for label in spec.get("labels", [])]
        entries += [(label, LabelSpec(name, None, True)) for label in spec.get("generic", [])]
        entries += [
            (label, LabelSpec(name, party, party is None, needs_colon=True))
            for label in spec.get("colon_only", [])
        ]
    other = data["parties"]["other"]
    entries += [(label, LabelSpec(OTHER_PARTY, "other", False)) for label in other["labels"]]
    entries += [
        (label, LabelSpec(OTHER_PARTY, "other", False, needs_colon=True))
        for label in other["colon_only"]
    ]
    entries += [(label, LabelSpec(STOP, None, True)) for label in data["stop"]["labels"]]
    entries += [
        (label, LabelSpec(STOP, None, True, needs_colon=True))
        for label in data["stop"].get("colon_only", [])
    ]
    entries += [(label, LabelSpec(SIGNATURE, None, True)) for label in data["signature"]["labels"]]
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = _tokenizer(spacy.blank("en"))
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    specs: dict[str, LabelSpec] = {}
    for label, spec in entries:
        for variant in _variants(label):
            key = variant.lower()
            if key in specs:
                if specs[key] != spec and variant == label:
                    raise ValueError(f"label {label!r} is listed for two meanings")
                continue
            specs[key] = spec
            matcher.add(key, [nlp.make_doc(fold_label(variant))])
    words = frozenset(w for key in specs for w in re.findall(r"[a-z]+", fold_label(key)))
    return Vocabulary(nlp, matcher, specs, words)


def _rows(page: Page) -> list[list[Word]]:
    """The words of each printed row, top to bottom.

    Tesseract reads a two-column form as two blocks, so a label and the label beside it
    ("Beneficiary Name" ... "DOB") come out as separate lines; side by side on one row, with
    no overlap across, they are one row here, as a reader sees them.
    """
    grouped: dict[int, list[Word]] = {}
    for word in page.words:
        grouped.setdefault(word.line, []).append(word)
    rows: list[list[Word]] = []
    boxes: list[BBox] = []  # each row's box, kept as words join it
    for number in sorted(grouped):
        words = grouped[number]
        box = union([w.bbox for w in words])
        at = next((i for i, row_box in enumerate(boxes) if _side_by_side(row_box, box)), None)
        if at is None:
            rows.append(list(words))
            boxes.append(box)
        else:
            rows[at].extend(words)
            boxes[at] = union([boxes[at], box])
    return sorted(rows, key=lambda r: min(w.bbox[1] + w.bbox[3] for w in r))


def _side_by_side(a: BBox, b: BBox) -> bool:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    apart = a[2] <= b[0] or b[2] <= a[0]
    return apart and overlap >= 0.5 * min(a[3] - a[1], b[3] - b[1])


def printed_rows(page: Page) -> list[Row]:
    """The page's printed rows, top to bottom, each with its text and word offsets."""
    lines = []
    for row in _rows(page):
        words = sorted(row, key=lambda w: w.bbox[0])
        spans, start = [], 0
        for w in words:
            spans.append((start, start + len(w.text)))
            start += len(w.text) + 1
        # Curly quotes (OCR, word processors) match labels written with straight ones.
        text = " ".join(w.text for w in words).translate(_QUOTES)
        lines.append(Row(words, text, spans))
    return lines


def _height(page: Page, word: Word) -> float:
    return max((word.bbox[3] - word.bbox[1]) * page.height, 1e-6)


def is_column_gap(page: Page, left: Word, right: Word) -> bool:
    gap = (right.bbox[0] - left.bbox[2]) * page.width
    return gap > _COLUMN_GAP_LINE_HEIGHTS * max(_height(page, left), _height(page, right))


def _wide_gap(page: Page, left: Word, right: Word) -> bool:
    # Wider than a column gap: OCR spaces a label's own words unevenly.
    gap = (right.bbox[0] - left.bbox[2]) * page.width
    return gap > 3 * _COLUMN_GAP_LINE_HEIGHTS * max(_height(page, left), _height(page, right))


def _remainder(word: Word, cut: int) -> Word | None:
    """The part of ``word`` after character ``cut``, with its box cut in proportion."""
    text = word.text[cut:].lstrip(_LABEL_END + ". ")
    if not text:
        return None
    x0, y0, x1, y1 = word.bbox
    share = (len(word.text) - len(text)) / len(word.text)
    return Word(
        text=text, conf=word.conf, bbox=(x0 + (x1 - x0) * share, y0, x1, y1), line=word.line
    )


#: Words recur on every line and page (captions, the same labels on each order), and each
#: look-up compares the word with every known word of its length.
_MISREADS_KEPT = 1 << 16


@lru_cache(maxsize=_MISREADS_KEPT)
def misread_from(word: str, known: frozenset[str]) -> str:
    """``word`` as the one known word a fax misread it from, or as it stands.

    A long word may have a letter in every few misread as one of its shape ("MCMBER",
    "Tdentitication"); a short one is too near other words ("date", "tel") to tell which
    was printed. Only one known word may be that close; lengths stay, so offsets hold.
    """
    if word in known or len(word) < _MIN_MISREAD_LETTERS or not word.isalpha():
        return word
    budget = len(word) // _LETTERS_PER_MISREAD
    near = [good for good in known if len(good) == len(word) and _misreads(good, word, budget)]
    return near[0] if len(near) == 1 else word


def _misreads(printed: str, read: str, budget: int) -> bool:
    """Whether ``read`` is ``printed`` with at most ``budget`` letters read as look-alikes."""
    pairs = [(a, b) for a, b in zip(printed, read, strict=True) if a.lower() != b.lower()]
    return len(pairs) <= budget and all(same_shape(a, b) for a, b in pairs)


#: The shortest word read through a misread letter.
_MIN_MISREAD_LETTERS = 6
#: A fax may misread one letter in this many of a word's.
_LETTERS_PER_MISREAD = 6


def _unmisread(vocab: Vocabulary, text: str) -> str:
    """A folded line with each word a fax misread from a label's word read as that word."""
    return re.sub(r"[a-z]+", lambda m: misread_from(m.group(), vocab.words), text)


def _line_hits(vocab: Vocabulary, page: Page, number: int, line: Row) -> list[LabelHit]:
    doc = vocab.nlp.make_doc(_unmisread(vocab, fold_label(line.text)))
    found = [(doc[s:e], vocab.nlp.vocab.strings[m]) for m, s, e in vocab.matcher(doc)]
    # Longest first, so "Patient Phone" wins over "Patient" and "Supplier NPI" over "NPI".
    found.sort(key=lambda f: (-(f[0].end_char - f[0].start_char), f[0].start_char))
    taken: list[tuple[int, int]] = []
    hits = []
    for span, key in found:
        if any(span.start_char < e and s < span.end_char for s, e in taken):
            continue
        hit = _hit(vocab.specs[key], page, number, line, span.start_char, span.end_char)
        if hit is not None:
            taken.append((span.start_char, span.end_char))
            hits.append(hit)
    return sorted(hits, key=lambda h: h.first)


def _hit(
    spec: LabelSpec, page: Page, number: int, line: Row, start: int, end: int
) -> LabelHit | None:
    inside = [i for i, (s, e) in enumerate(line.spans) if s < end and start < e]
    first, last = inside[0], inside[-1]
    if any(_wide_gap(page, line.words[i], line.words[i + 1]) for i in range(first, last)):
        return None  # two cells' words, not one label: "Patient      DOB"
    word_start, word_end = line.spans[first][0], line.spans[last][1]
    if start > word_start and line.text[word_start:start].strip(".(#").isalnum():
        return None  # the label is the tail of a longer word ("Outpatient")
    aside = "(" in line.text[word_start:start]
    if aside and first and not _wide_gap(page, line.words[first - 1], line.words[first]):
        return None  # an aside of the caption before it: "SHIP TO (patient home)"
    rest = _remainder(line.words[last], end - line.spans[last][0]) if end < word_end else None
    if line.text[end : end + 1].isalnum() and line.text[end - 1 : end].isalnum():
        return None  # the label is the head of a longer word ("Physicians", "Insured")
    tail = line.text[end:].lstrip(" .")
    strong = (tail != "" and tail[0] in _LABEL_END) or line.text[end - 1 : end] in _LABEL_END
    opener = first
    while opener and _is_box_number(line.words[opener - 1].text):
        opener -= 1
    if spec.path == "any.date" and opener and line.text[start : start + 1].islower():
        previous = line.words[opener - 1]
        if previous.text[-1:].isalpha() and not is_column_gap(page, previous, line.words[first]):
            return None  # "Visit date:", read "Misit date:": the date of something unnamed
    if not strong and not spec.needs_colon:
        # Stray marks between two cells ("Member ID '- Cell Phone") hide no gap.
        # A tick box and a number open a checklist's row as a cell's edge does:
        # "[X] 1. Beneficiary name  JONES, CINDY".
        before = next(
            (
                w
                for w in reversed(line.words[:opener])
                if not _PUNCT_ONLY.match(w.text) and not is_tick_box(w.text)
            ),
            None,
        )
        marks = line.words[opener - 1] if opener else None
        # Without a colon, a label must start a cell and be capitalised: a lower-case
        # "patient" after a comma is prose ("...; patient agrees with plan").
        # A capitalised label right before a number or an identifier is one too:
        # "Phone 555-1234 Fax ...", "Policy No. H010393354".
        value = tail.lstrip("(+").split(maxsplit=1)
        strong = line.text[start : start + 1].isupper() and (
            (bool(value) and any(c.isdigit() for c in value[0]))
            or before is None
            or (marks is not None and marks.text[-1:] in _CELL_SEPARATORS)
            or is_column_gap(page, before, line.words[opener])
        )
        if strong and before is not None and tail and spec.path == "clinician.organization":
            # A practice's caption with no colon, past a gap after other words of its line
            # and before a word of its own, heads a title: "Johnson Center for Sleep
            # Medicine    Clinic Note" names no practice "Note". (A caption over its value,
            # "Fax #    Practice", ends its line.)
            return None
        if strong and spec.path == "any.date" and not tail.lstrip("(+")[:1].isdigit():
            # A bare "Date" heads a longer caption ("25. Date HHA Received Signed POT")
            # unless it ends its cell: a value then sits right of it past a gap, or below.
            nxt = line.words[last + 1] if last + 1 < len(line.words) else None
            dated = [span for span in find_dates(tail) if span[0] == 0]
            strong = bool(dated) or nxt is None or is_column_gap(page, line.words[last], nxt)
    if not strong and spec.needs_colon:
        return None
    return LabelHit(
        spec, number, first, opener, last + 1, line.text[start:end], rest, strong, spec.party
    )


def _inside_hint(page: Page, line: Row, first: int) -> bool:
    """Whether the word at ``first`` is inside a bracket opened earlier in its cell and not
    closed before it."""
    depth = 0
    for at in range(first - 1, -1, -1):
        word = line.words[at]
        if _wide_gap(page, word, line.words[at + 1]):
            break
        depth += word.text.count("(") - word.text.count(")")
        if depth > 0:
            return True
    return False


def is_tick_box(text: str) -> bool:
    return bool(_TICK_BOX.match(text))


def _is_box_number(text: str) -> bool:
    # "N.P." and "P.A." have a box number's shape, but end the name before the label.
    return bool(_BOX_NUMBER.match(text)) and re.sub(r"\W", "", text).upper() not in CREDENTIALS


def _is_boundary(hit: LabelHit, line: Row) -> bool:
    # A weak label ends a value only if something follows it: "Anthem  Group 740-57649"
    # stops at "Group", but "Aetna Health Plan" keeps its last words.
    return hit.strong or hit.after < len(line.words)


def _is_speck(word: Word) -> bool:
    """Dirt OCR read as a letter or two with no confidence ("oc", "oO"): no value at all.

    Capitals are kept: a lone "F" or "M" is a faintly printed answer, "ID" a state.
    """
    core = "".join(c for c in word.text if c.isalnum())
    letters = core.isalpha() and not core.isupper()
    return word.conf < _SPECK_CONFIDENCE and len(core) <= 2 and (letters or not core)


def _hint_end(words: list[Word], at: int) -> int:
    """The index after a bracketed hint or aside starting at ``at`` ("(mm/dd/yyyy)", "(LAST
    FIRST MI}:", "(patient home)"), or ``at`` when none starts there."""
    if at >= len(words) or not words[at].text.startswith("(") or not words[at].text[1:2].isalpha():
        return at
    for end in range(at, len(words)):
        if words[end].text.rstrip(":;").endswith(_HINT_CLOSES):
            return end + 1
    return at


#: OCR may read a hint's closing bracket as a brace or a square one.
_HINT_CLOSES = (")", "}", "]")


def _skip_lead(words: list[Word]) -> list[Word]:
    """Drop the marks and the "(mm/dd/yyyy)"-style hint between a label and its value."""
    i = 0
    while i < len(words) and _PUNCT_ONLY.match(words[i].text):
        i += 1
    i = _hint_end(words, i)
    while i < len(words) and _PUNCT_ONLY.match(words[i].text):
        i += 1
    return words[i:]


#: A hint that the name after it is printed surname first: "(Last, First)", "(LAST FIRST MI)".
_LAST_FIRST = re.compile(r"(?i)\blast\W+first\b")


def _surname_first(words: list[Word]) -> list[Word]:
    """A name printed surname first with no comma ("WOJCIK MAREK J", under a hint saying so),
    with the comma that tells the surname read after its first word."""
    if len(words) < 2 or any("," in w.text for w in words):
        return words
    return [words[0].model_copy(update={"text": words[0].text + ","}), *words[1:]]


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def is_separator(word: Word) -> bool:
    """Whether a word is a mark a form prints between two cells of a row."""
    return word.text in _SEPARATORS


def _right(page: Page, line: Row, hit: LabelHit, hits: list[LabelHit]) -> tuple[list[Word], float]:
    """Words right of the label up to the next label, column gap or printed separator before
    another caption ("Ins: Quartz | ID: QZ551"), and the cell's right edge. A bar before a
    value's words may be a letter OCR misread ("Burke, | ennifer": a J)."""
    # Labels inside a hint right after the label are the hint's words: "PATIENT (LAST FIRST
    # MI): WOJCIK MAREK J".
    after_hint = _hint_end(line.words, hit.after)
    later = [h for h in hits if h.first >= after_hint and _is_boundary(h, line)]
    stop = later[0].opener if later else len(line.words)
    marks = [
        i
        for i in range(hit.after + 1, stop - 1)
        if is_separator(line.words[i]) and line.words[i + 1].text.endswith(":")
    ]
    stop = marks[0] if marks else stop
    edge = line.words[stop].bbox[0] if stop < len(line.words) else 1.0
    words = ([hit.rest] if hit.rest else []) + line.words[hit.after : stop]
    if words and words[0].text == "/" and not hit.rest:
        # "HEALTH PLAN / PRODUCT": a slash joins the caption to its second half ("NAME" of
        # "PROVIDER / FACILITY NAME" is no label of its own); the value is in the box below,
        # as wide as the caption's cell.
        rest = line.words[hit.after :]
        gaps = (i for i in range(1, len(rest)) if is_column_gap(page, rest[i - 1], rest[i]))
        return [], next((rest[i].bbox[0] for i in gaps), 1.0)
    kept = _skip_lead(words)
    if hit.spec.path == "member.name" and _LAST_FIRST.search(
        _text(words[: len(words) - len(kept)])
    ):
        kept = _surname_first(kept)
    words = kept
    if words and all(_is_speck(w) for w in words):
        return [], edge  # dirt beside an empty label: the value may sit below it
    while words and _is_speck(words[-1]):
        words = words[:-1]
    for i in range(1, len(words)):
        if is_column_gap(page, words[i - 1], words[i]):
            return words[:i], words[i].bbox[0]
    between = line.words[hit.after : stop]
    hint = [w for w in between if not (_PUNCT_ONLY.match(w.text) or _is_speck(w))]
    if not words and hint:
        # An empty label's hint ("(mm/dd/yyyy)") ends its cell; a stray dash or speck does not.
        # A caption's own aside in brackets ("SHIP TO (patient home)") is the caption's: the
        # value under it runs on to what follows the aside.
        rest = hint[_hint_end(hint, 0) :]
        edge = rest[0].bbox[0] if rest else edge
    return words, edge


def _slashed_values(page: Page, line: Row, hits: list[LabelHit]) -> dict[int, list[Word]]:
    """Each of two labels a slash parts ("CLINIC PHONE / FAX: 512-555-7700 / 512-555-7701")
    with its own of the two values a slash parts after them, by the label's index."""
    shared: dict[int, list[Word]] = {}
    for at, (head, tail) in enumerate(pairwise(hits)):
        if tail.first != head.after + 1 or line.words[head.after].text != "/":
            continue
        words, _ = _right(page, line, tail, hits)
        cuts = [i for i, w in enumerate(words) if w.text == "/"]
        if len(cuts) == 1 and 0 < cuts[0] < len(words) - 1:
            shared[at], shared[at + 1] = words[: cuts[0]], words[cuts[0] + 1 :]
    return shared


def _ends_value(hit: LabelHit, line: Row, indented: bool) -> bool:
    # A label word alone on a line, with no colon, indented under the value continues it
    # ("Group/Practice: Mercy Family" / "Practice"); at the label's margin it is a heading.
    colon = line.words[hit.after - 1].text[-1:] in _LABEL_END or hit.rest is not None
    return hit.strong and (colon or hit.after < len(line.words) or not indented)


def _column(
    page: Page,
    lines: list[Row],
    hits: dict[int, list[LabelHit]],
    start: int,
    cell: tuple[float, float, float],
) -> list[list[Word]]:
    """Lines below ``start`` that continue a value in the column ``cell``.

    ``cell`` is (label x0, value x0, right edge). A line continues the value when its
    words in the column start where the value starts, nothing sits under the label
    itself (that would be the next row of fields), and it does not open with a label.
    """
    label_x0, x0, x1 = cell
    out: list[list[Word]] = []
    # Line steps are measured in the height of real words: a speck's box is a dot's.
    prev = next(
        (w for w in lines[start].words if not (_PUNCT_ONLY.match(w.text) or _is_speck(w))),
        lines[start].words[0],
    )
    for number in range(start + 1, min(start + 1 + _MAX_VALUE_LINES, len(lines))):
        line = lines[number]
        # OCR reads specks and form rules as lone marks (": , Knoxville"): they place nothing.
        marked = [w for w in line.words if not _PUNCT_ONLY.match(w.text)]
        inside = [w for w in marked if x0 - _COLUMN_SLACK <= w.bbox[0] < x1]
        under_label = [
            w for w in marked if label_x0 - _COLUMN_SLACK <= w.bbox[0] < x0 - _COLUMN_SLACK
        ]
        if not inside or under_label or inside[0].bbox[0] > x0 + _COLUMN_SLACK * 3:
            break
        step = (inside[0].bbox[1] - prev.bbox[1]) * page.height
        # In the taller of the two lines' print: a form's small caption over its value.
        if step > _MAX_LINE_STEP_HEIGHTS * max(_height(page, prev), _height(page, inside[0])):
            break
        first = line.words.index(inside[0])
        # Only a value right of its label wraps under itself past the label's margin; under
        # an empty label, a label in the value's column heads the next field.
        indented = x0 > label_x0 + _COLUMN_SLACK and inside[0].bbox[0] > label_x0 + _COLUMN_SLACK
        if any(h.opener == first and _ends_value(h, line, indented) for h in hits.get(number, [])):
            break
        cut = [h.opener for h in hits.get(number, []) if h.opener > first and h.strong]
        out.append([w for w in inside if not cut or line.words.index(w) < min(cut)])
        prev = inside[0]
    return out


def _cell_start(page: Page, line: Row, index: int) -> float:
    # From the first word of the cell, so "2. Start of Care" counts from "2.".
    return line.words[cell_opening(page, line.words, index)].bbox[0]


@cache
def letterhead_words() -> tuple[frozenset[str], frozenset[str]]:
    """The words of a supplier's, an agency's or a pharmacy's name, and of a form's title."""
    data = tomllib.loads(LABELS_FILE.read_text(encoding="utf-8"))["letterhead"]
    return (
        frozenset(w.lower() for w in data["supplier_words"]),
        frozenset(w.lower() for w in data["title_words"]),
    )


@cache
def office_words() -> frozenset[str]:
    """The words of an office's name, never a person's or a plan's: a facility's or a
    practice's ("Clinic", "Associates") and a supplier's, an agency's or a pharmacy's."""
    data = tomllib.loads(LABELS_FILE.read_text(encoding="utf-8"))
    folded = [*data["plan_shape"]["facility_words"], *data["letterhead"]["supplier_words"]]
    return frozenset(w.lower() for w in folded)


def has_phrase(text: str, phrases: frozenset[str]) -> bool:
    """Whether the text holds one of the phrases as whole words, case folded."""
    words = " " + " ".join(re.findall(r"[a-z0-9']+", text.lower())) + " "
    return any(f" {phrase} " in words for phrase in phrases)


def cell_opening(page: Page, words: Sequence[Word], index: int) -> int:
    """The index of the first word of the cell the word at ``index`` is in: left to the
    nearest column gap."""
    while index > 0 and not is_column_gap(page, words[index - 1], words[index]):
        index -= 1
    return index


def _resolve(hit: LabelHit, party: Party | None) -> tuple[str | None, Party | None]:
    """The contract path a hit fills, given the section (party) it sits in."""
    path = hit.spec.path
    if path.startswith("any."):
        if path == "any.date":
            return path, party
        return (f"{party}.{path[4:]}" if party in ("member", "clinician") else None), party
    if hit.spec.generic and party == "other" and path.startswith(("member.", "clinician.")):
        return None, party
    return path, hit.spec.party or party


def _signer(
    page: Page, lines: list[Row], hits: dict[int, list[LabelHit]], number: int, hit: LabelHit
) -> Iterator[Candidate]:
    """The name printed under or on a signature line: whoever signs it (often typed there).

    The name typed under the line comes first: right of the label is where the ink goes,
    and OCR reads a scribble there as letters ("AAA SIN").
    """
    words, edge = _right(page, lines[number], hit, hits[number])
    if number + 1 < len(lines):
        x0 = _cell_start(page, lines[number], hit.opener)
        nxt = lines[number + 1]
        cut = [h.opener for h in hits.get(number + 1, []) if h.strong]
        under = [
            w
            for i, w in enumerate(nxt.words)
            if x0 - _COLUMN_SLACK <= w.bbox[0] < edge and (not cut or i < min(cut))
        ]
        step = (nxt.words[0].bbox[1] - lines[number].words[0].bbox[1]) * page.height
        if under and step <= _MAX_LINE_STEP_HEIGHTS * _height(page, lines[number].words[0]):
            yield Candidate(SIGNATURE, page, hit.text, "below", [under], None, True)
    if words:
        yield Candidate(SIGNATURE, page, hit.text, "right", [words], None, True)


def page_candidates(page: Page, vocab: Vocabulary | None = None) -> Iterator[Candidate]:
    """Every labelled value on one page, in reading order."""
    vocab = vocab or vocabulary()
    lines = printed_rows(page)
    hits = {n: _line_hits(vocab, page, n, line) for n, line in enumerate(lines)}
    above = _values_above(page, lines, hits)
    _remember_above(page, above)
    sections = _Sections()
    for number, line in enumerate(lines):
        signed = any(h.spec.path == SIGNATURE for h in hits[number])
        above_signed = number > 0 and any(h.spec.path == SIGNATURE for h in hits[number - 1])
        sections.read_row(line, hits[number])
        cells = _cell_numbers(page, line)
        #: The party a label opened each cell of the row with: a generic label later in that
        #: cell is that party's ("Dispensing pharmacy: ..., NPI 1819202122, ph ...").
        in_cell: dict[int, Party] = {}
        shared = _slashed_values(page, line, hits[number])
        for at, hit in enumerate(hits[number]):
            x = line.words[hit.opener].bbox[0]
            if (opened := _section_party(hit)) is not None:
                reach = max(
                    w.bbox[2]
                    for w, c in zip(line.words, cells, strict=True)
                    if c == cells[hit.opener]
                )
                sections.give(x, opened, first_on_row=hit.opener == 0, reach=reach)
                in_cell.setdefault(cells[hit.opener], opened)
            party = in_cell.get(cells[hit.opener]) or sections.party_at(x)
            path, hit_party = _resolve(hit, party)
            if path == SIGNATURE and hit.strong:
                yield from _signer(page, lines, hits, number, hit)
                continue
            if path is None or path.startswith(("party:", STOP, SIGNATURE)):
                continue
            if not hit.strong and at not in shared:
                continue
            if _inside_hint(page, line, hit.first):
                # A hint's word ("FIRST" of "PATIENT (LAST, FIRST MIDDLE)") ends the value
                # before it, as a label does, but captions nothing.
                continue
            near = signed or above_signed
            words, edge = _right(page, line, hit, hits[number])
            words = shared.get(at, words)
            x0 = _cell_start(page, line, hit.opener)
            if at not in shared and _caption_over_box(page, lines, hits, number, hit, words):
                words, edge = [], words[0].bbox[0]
            if words:
                more = _column(page, lines, hits, number, (x0, words[0].bbox[0], edge))
                yield Candidate(path, page, hit.text, "right", [words, *more], hit_party, near)
            # Only an empty label looks below: a filled one's next line is another field.
            # Words read with next to no confidence may be dirt (".PtDOB") or a faint answer
            # ("F"): the value below is offered after them, for the field's reader to judge.
            faint = all(w.conf < _SPECK_CONFIDENCE for w in words) or _next_box_number(words, vocab)
            # The date of signing is typed on the rule over its caption on any page
            # ("06/23/2025" over "Date signed" beside the signer's name, "Jul 24, 2025"
            # over a bare "Date" beside the name typed under an unlabelled signature).
            signing = not words and path in (_SIGNING_DATE, _ANY_DATE)
            if faint and (above or signing):
                over = _over(page, lines, hits, number, (x0, edge))
                if over:
                    yield Candidate(path, page, hit.text, "above", [over], hit_party, near)
                if above or over:
                    continue
            below = _column(page, lines, hits, number, (x0, x0, edge)) if faint else []
            if below:
                yield Candidate(path, page, hit.text, "below", below, hit_party, near)


def _caption_over_box(
    page: Page,
    lines: list[Row],
    hits: dict[int, list[LabelHit]],
    number: int,
    hit: LabelHit,
    words: list[Word],
) -> bool:
    """Whether a label with no colon captions the box under it, the words right of it past a
    column gap being the next box's caption: "Last name    First name    MI" over
    "PETERSEN    GRETA    L", where "MI" is no first name. A value must start where the
    label starts, on the next line, and not be a label of its own (the next field's). The row
    must be one of captions, holding other labels and no digit: "Payor source   Anthem Blue
    Cross" over a garbled "Cet#   VVW590463988" is a label beside its value."""
    if not words or hit.rest is not None or number + 1 >= len(lines):
        return False
    if len(hits.get(number, [])) < 2 or any(c.isdigit() for c in lines[number].text):
        return False
    label = lines[number].words[hit.after - 1]
    if label.text[-1:] in _LABEL_END or not is_column_gap(page, label, words[0]):
        return False
    start = lines[number].words[hit.opener].bbox[0]
    below = lines[number + 1].words
    openers = {h.opener for h in hits.get(number + 1, [])}
    return any(
        abs(w.bbox[0] - start) <= _COLUMN_SLACK and not _PUNCT_ONLY.match(w.text)
        for i, w in enumerate(below)
        if i not in openers
    )


def _cell_numbers(page: Page, line: Row) -> list[int]:
    """The number of the cell each word of a row is in, counting column gaps."""
    numbers = [0]
    for left, right in pairwise(line.words):
        numbers.append(numbers[-1] + is_column_gap(page, left, right))
    return numbers


def values_over_captions(page: Page) -> bool:
    """Whether the page prints its captions under their values: "02/17/1963" typed on a
    line with "DATE OF BIRTH" printed beneath it, as some offices' forms do, where most print
    a caption over its box or beside its value."""
    remembered = _ABOVE.get(id(page))
    if remembered is not None and remembered[0] is page:
        return remembered[1]
    lines = printed_rows(page)
    vocab = vocabulary()
    hits = {n: _line_hits(vocab, page, n, ln) for n, ln in enumerate(lines)}
    return _remember_above(page, _values_above(page, lines, hits))


#: The answer for the pages read last, kept with the page itself (an id alone may be a
#: later page's): the labels' reading of a page finds it, and the captions' asks again.
_ABOVE: dict[int, tuple[Page, bool]] = {}
_PAGES_REMEMBERED = 32


def _remember_above(page: Page, above: bool) -> bool:
    if len(_ABOVE) >= _PAGES_REMEMBERED:
        _ABOVE.pop(next(iter(_ABOVE)), None)
    _ABOVE[id(page)] = (page, above)
    return above


def _values_above(page: Page, lines: list[Row], hits: dict[int, list[LabelHit]]) -> bool:
    """Told by the values' shapes, as no wording says it: around each row that holds only
    captions, the rows above and below are read in the captions' columns, and the side where
    more dates, phone numbers and NPIs sit in the columns of captions that ask for them holds
    the values. A signature's date is left out, with its caption beside or under the
    signature's: every form types it over "Date"."""
    fits = {-1: 0, 1: 0}
    for number, line in enumerate(lines):
        row = [h for h in hits[number] if h.strong]
        signed = any(h.spec.path in (SIGNATURE, _ANY_DATE) for h in row)
        if signed or not _captions_only(line, row):
            continue
        for step in fits:
            near = number + step
            if not 0 <= near < len(lines) or _captions_only(lines[near], hits[near]):
                continue
            for hit, nxt in zip(row, [*row[1:], None], strict=True):
                x0 = line.words[hit.opener].bbox[0] - _COLUMN_SLACK
                x1 = line.words[nxt.opener].bbox[0] - _COLUMN_SLACK if nxt else 1.0
                text = " ".join(w.text for w in lines[near].words if x0 <= w.bbox[0] < x1)
                fits[step] += _has_shape(hit.spec.path, text)
    return fits[-1] > fits[1] and fits[-1] >= _MIN_SHAPED_VALUES


#: The generic date caption ("Date"), which a signature's date is typed over.
_ANY_DATE = "any.date"
_SIGNING_DATE = "dates.signature"
#: A page is read as printing captions under values on this many values' shapes at least.
_MIN_SHAPED_VALUES = 2


def _captions_only(line: Row, hits: list[LabelHit]) -> bool:
    """Whether every word of a row is a label's (or a box number or a mark between them)."""
    covered = {i for h in hits if h.strong for i in range(h.opener, h.after)}
    return bool(covered) and all(
        i in covered or _PUNCT_ONLY.match(w.text) or _is_box_number(w.text)
        for i, w in enumerate(line.words)
    )


#: Ten digits alone: an NPI's shape.
_NPI_SHAPE = re.compile(r"(?<!\d)\d{10}(?!\d)")


def _has_shape(path: str, text: str) -> bool:
    """Whether a value has the shape its path asks for, where the shape alone tells: a date,
    a phone number, an NPI. Other paths' values (names, plans, IDs) tell nothing here."""
    if path.endswith((".dob", ".date")) or path.startswith("dates."):
        return bool(find_dates(text))
    if path.endswith((".phone", ".fax")):
        return bool(find_phones(text))
    return path.endswith(".npi") and bool(_NPI_SHAPE.search(text))


def _over(
    page: Page,
    lines: list[Row],
    hits: dict[int, list[LabelHit]],
    number: int,
    cell: tuple[float, float],
) -> list[Word]:
    """The words on the row above a caption, in its cell, on a page that prints captions
    under their values: one row, as a line holds one value."""
    x0, edge = cell
    if number == 0 or _captions_only(lines[number - 1], hits[number - 1]):
        return []
    row = lines[number - 1]
    step = (lines[number].words[0].bbox[1] - row.words[0].bbox[1]) * page.height
    if step > _MAX_LINE_STEP_HEIGHTS * _height(page, row.words[0]):
        return []
    return [
        w
        for w in row.words
        if x0 - _COLUMN_SLACK <= w.bbox[0] < edge and not _PUNCT_ONLY.match(w.text)
    ]


def _section_party(hit: LabelHit) -> Party | None:
    """The party whose section a label opens in its column: one naming its party."""
    return hit.spec.party if hit.strong and not hit.spec.generic else None


#: A page's columns are at least this share of its width apart: a row of tick-box legends
#: naming roles ("[ ] Requesting provider [ ] Servicing provider") is not a row of columns.
_MIN_COLUMN_WIDTH = 0.3


@dataclass
class _Sections:
    """Whose section each stretch of the page's width is in, as rows are read down the page.

    A form printed in two columns (PATIENT | PRESCRIBER) is read row by row with the columns
    side by side, so a generic "Phone" or "Street:" takes the party of the column it sits in,
    not that of the label read last (the prescriber's, beside it on the row).
    """

    #: Where each column starts (a fraction of the page's width), left to right, and whose
    #: (no one's, left of a column a label opened, until a label says).
    columns: list[tuple[float, Party | None]] = field(default_factory=list)

    def read_row(self, line: Row, hits: list[LabelHit]) -> None:
        """Two parties' labels side by side lay the columns out; a row of section headings
        alone ("SUPPLIER") starts them afresh across the page."""
        openers = [
            (line.words[hit.opener].bbox[0], party)
            for hit in hits
            if (party := _section_party(hit)) is not None
        ]
        labelled = {i for hit in hits for i in range(hit.opener, hit.after)}
        headings = bool(openers) and len(labelled) == len(line.words)
        parties = len({party for _, party in openers})
        apart = all(b[0] - a[0] >= _MIN_COLUMN_WIDTH for a, b in pairwise(openers))
        if (headings or parties > 1) and apart:
            self.columns = [(x if i else 0.0, party) for i, (x, party) in enumerate(openers)]

    def give(self, x: float, party: Party, first_on_row: bool, reach: float) -> None:
        """A party's labelled value: the column it sits in is that party's, with the columns
        right of it that were its party's (a band's boxes, all the enrollee's, now all the
        provider's), and those its cell runs into (``reach``, its right edge: "Home address:
        1316 Linden Ave, Cincinnati, OH 45205  Phone: ..." under a row whose "Attending:"
        opened a column there; a value across a column's start shows the column is not one
        here). One that stands a column's width right of its row's start ("Name: Jo Roe
        Physician: Al Ray", the columns' headings lost to OCR) opens a column."""
        self.columns = crossed_columns(self.columns, x, reach, party)
        at = self._column(x)
        start, held = (0.0, None) if at is None else self.columns[at]
        if not first_on_row and x - start >= _MIN_COLUMN_WIDTH:
            kept = [(0.0, None)] if at is None else self.columns[: at + 1]
            self.columns = [*kept, (x, party)]
        elif at is None:
            self.columns = [(0.0, party)]
        else:
            for j in range(at, len(self.columns)):
                if j > at and self.columns[j][1] != held:
                    break
                self.columns[j] = (self.columns[j][0], party)

    def party_at(self, x: float) -> Party | None:
        at = self._column(x)
        return None if at is None else self.columns[at][1]

    def _column(self, x: float) -> int | None:
        starts = [i for i, (start, _) in enumerate(self.columns) if start <= x + _COLUMN_SLACK]
        return starts[-1] if starts else (0 if self.columns else None)


def crossed_columns(
    columns: list[tuple[float, _Whose]], x: float, reach: float, party: _Whose
) -> list[tuple[float, _Whose]]:
    """The columns (start, party) after a party's value from ``x`` to ``reach`` is read:
    those whose start it runs across are its party's, as the column is not one on its row."""
    return [
        (start, party if x + _COLUMN_SLACK < start < reach else held) for start, held in columns
    ]


#: A sub-box's number opening the next box's caption ("17a.", "'17a,"), maybe with the
#: caption glued on ("17a..FAX").
_SUB_BOX = re.compile(r"\W*\d{1,2}[a-z][.,:;]+(?P<caption>[A-Za-z]*)\W*")


def _next_box_number(words: list[Word], vocab: Vocabulary) -> bool:
    """Whether the words right of a label are only the next box's number: "17. PHONE
    17a. FAX" has the phone's box empty on its row, its value printed below."""
    match = _SUB_BOX.fullmatch(words[0].text) if len(words) == 1 else None
    caption = match["caption"].lower() if match else ""
    return match is not None and (not caption or caption in vocab.specs)


def all_candidates(pages: Sequence[Page]) -> list[Candidate]:
    vocab = vocabulary()
    return [c for page in pages for c in page_candidates(page, vocab)]


def find_values(pages: Sequence[Page], path: str) -> list[Candidate]:
    """Values for one contract path ("member.dob"), in reading order, right before below."""
    return [c for c in all_candidates(pages) if c.path == path]
