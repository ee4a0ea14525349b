"""Equipment and supplies ordered: description, HCPCS, quantity, frequency, oxygen flow,
length of need and brand/model.

Two shapes are read. A table under a column header ("HCPCS Description Qty LON") is split
by the x position of its heads. Any other line that prints an E/K/A/B code, or names a
piece of equipment from the lexicon with a quantity, is read as one item by patterns.
The HCPCS code is only ever a printed one (checked against the table by the rules): a
reading that is no code is replaced only by the code the order prints for it elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import pairwise

from extractors.codes import hcpcs
from extractors.codes.cpt import is_cpt_format
from extractors.codes.repair import agreeing_code, described_hcpcs, repair_hcpcs
from extractors.extract.found import Found, found_from_words
from extractors.extract.infusion import is_infused, split_dose
from extractors.extract.labels import is_column_gap
from extractors.extract.phrases import PhraseMatch, Phrases
from extractors.extract.services import disciplines_in, is_discipline
from extractors.extract.textlines import (
    TextLine,
    centre_y,
    height,
    join_lines,
    level_with,
    load_data,
    page_lines,
    visual_rows,
    words_line,
)
from extractors.normalize.lookalikes import digit_class, digit_translation
from extractors.normalize.specks import without_specks
from extractors.pages import BBox, Page, Word, union
from extractors.referral import Infusion, Item

#: Any HCPCS Level II code: equipment, supplies, drugs (J), visits (G), per diems (S) ...
_ANY_HCPCS = re.compile(r"[A-V][0-9]{4}")
#: Fewer digits than this in a word is another word than a damaged code ("Sizes", "SpO2").
_REPAIR_DIGITS = 3
#: Equipment and supply codes: DME (E, K), supplies (A), enteral/parenteral (B),
#: orthotics and prosthetics (L).
_ITEM_LETTERS = "EKABL"
_ITEM_CODE = re.compile(rf"(?<![A-Za-z0-9])(?P<code>[{_ITEM_LETTERS}][0-9]{{4}})(?![A-Za-z0-9])")
#: A count's caption, and the participle a form may print after it ("Qty ordered").
_QUANTITY_CAPTION = r"\b(?:q[tl]y|[o0]ty|quantity|dispense|units?)\b(?:\s+[a-z]+ed\b)?"
_QUANTITY = re.compile(
    # Not a size: "18 x 16 in" is no count of 16.
    rf"(?:{_QUANTITY_CAPTION}[:.\s#]*|(?<![A-Za-z0-9])(?:#|(?<![0-9]\s)x)\s?)"
    r"(?P<n>[0-9]{1,3})\b",
    re.IGNORECASE,
)
_CAPTIONED = re.compile(rf"{_QUANTITY_CAPTION}[:.\s#]*(?P<n>[0-9]{{1,3}})\b", re.IGNORECASE)
#: The dashes an order prints between an item's parts: hyphen, en and em dash.
_DASHES = "\\-\u2013\u2014"
#: A count after a dash that ends an item's line, with no caption: "E1390 Oxygen
#: concentrator - 1".
_DASHED_COUNT = re.compile(
    rf"\s[{_DASHES}]\s?(?P<n>[0-9]{{1,3}})(?:\s+per\s+(?:[0-9]+\s+)?[a-z]+)?\s*$", re.IGNORECASE
)
#: A count after a dot leader OCR kept, glued or not: "without backup rate....1".
_LEADER_COUNT = re.compile(r"\.{3,}\s*(?P<n>[0-9]{1,3})\b(?![/.,:-]?[0-9])")
#: A count standing alone as a word: no size, no decimal.
_BARE_COUNT = re.compile(r"[0-9]{1,3}")
_FLOW = re.compile(
    r"(?P<n>[0-9]{1,2}(?:\.[0-9]{1,2})?)\s?(?:LPM|lpm|L/min|l/min|L\s?per\s?min\w*|liters?(?:\s?per\s?minute|/min)?)",
)
_LON = re.compile(
    r"(?:\b(?:LON|length\s+of\s+need)\b[:\s]*(?P<a>[0-9]{1,2})"
    # Not a replacement interval: "1 per 3 months" is a frequency.
    r"|(?<!per )(?P<b>[0-9]{1,2})\s?(?:months?|mos?\.?)\b(?:\s*\(lifetime\))?"
    r"|\b(?P<life>lifetime)\b)",
    re.IGNORECASE,
)
_FREQUENCY = re.compile(
    r"(?P<f>[0-9]{1,2}\s?(?:hrs?|hours)\s?(?:/|per\s)\s?day|continuous(?:ly)?|nightly|at night"
    r"|with exertion(?: and sleep)?|during sleep|as needed|PRN|monthly|weekly"
    r"|[0-9]+ per [0-9]+ (?:days|weeks|months)|[a-z ]*(?:once|twice|[0-9] times|[0-9]\s?x) daily)",
    re.IGNORECASE,
)
_MARKER = re.compile(r"^\s*(?:[0-9]{1,2}[.)]|[-*\u2022])\s*")
#: A unit that opens a line belongs to the number that ended the line above ("@2.5" / "LPM").
_UNIT_FIRST = re.compile(r"(?:LPM|L/min|liters?|months?|mos?|hrs?|hours)\b", re.IGNORECASE)
#: Form-wide answers on an oxygen certificate that hold for every item it lists.
_FORM_FLOW = re.compile(
    r"\bflow\s+rate\b[^:\n]{0,20}:\s*(?P<n>[0-9]{1,2}(?:\.[0-9]{1,2})?)(?![0-9])", re.IGNORECASE
)
_FORM_LON = re.compile(
    r"\blength\s+of\s+need\b[^:\n]{0,20}:\s*(?P<n>[0-9]{1,2})(?![0-9])", re.IGNORECASE
)
#: Joins between a description and the code printed with it: " - HCPCS", ", HCPCS", "(".
_CODE_LEAD = re.compile(r"[\s,(\[\-]*(?:HCPCS)?[\s:(\[]*$", re.IGNORECASE)
#: Cues that a line orders the equipment it names (not a note that the patient "uses a walker").
_ORDER_CUE = re.compile(
    r"\b(?:provide|order(?:ed)?|dispense|deliver|arrange|rx|need(?:s|ed)?|requires?|prescribe[ds]?"
    r"|qty|quantity)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Lexicon:
    names: Phrases
    #: Cues of each column head, in the order a head cell tries them.
    columns: dict[str, Phrases]
    #: Any column cue: a line without one heads no table.
    head_cue: Phrases
    not_item_heads: Phrases
    rx: Phrases
    rx_quantity: Phrases
    rx_lines: int
    serial: Phrases
    #: Each name (lower case) with the codes it may mean.
    codes: dict[str, frozenset[str]]
    #: Words of a sentence before an item's name ("provide the ...") and those that join it.
    handovers: Phrases
    joins: Phrases
    #: A count in a sentence: "126 doses", "1 rental", "for 42 days".
    prose_count: re.Pattern[str]
    #: Captions of the patient's condition, whose equipment is not ordered.
    condition: Phrases
    #: A count spelled out before an item's name, with its value: "one" is 1.
    numbers: dict[str, int]


@cache
def _lexicon() -> _Lexicon:
    data = load_data("equipment.toml")
    codes: dict[str, frozenset[str]] = {}
    for entry in data["item"]:
        for name in entry["names"]:
            codes[name.lower()] = codes.get(name.lower(), frozenset()) | set(entry["codes"])
    columns = {field: Phrases(heads) for field, heads in data["columns"].items()}
    cues = Phrases([cue for heads in data["columns"].values() for cue in heads])
    return _Lexicon(
        Phrases(codes),
        columns,
        cues,
        Phrases(data["not_item_columns"]["heads"]),
        Phrases(data["rx"]["opens"]),
        Phrases(data["rx"]["quantity"]),
        data["rx"]["lines"],
        Phrases(data["serial"]["labels"]),
        codes,
        Phrases(data["prose"]["handovers"]),
        Phrases(data["prose"]["joins"]),
        _count_pattern(data["prose"]["counts"], data["prose"]["spans"]),
        Phrases(data["condition"]["captions"]),
        {word: value for value, word in enumerate(data["prose"]["numbers"], start=1)},
    )


def _count_pattern(counts: list[str], spans: list[str]) -> re.Pattern[str]:
    def words(terms: list[str]) -> str:
        return "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in sorted(terms, key=len)[::-1])

    return re.compile(
        rf"\b(?P<n>[0-9]{{1,4}})\s+(?:{words(counts)})\b"
        rf"|\b(?:for|x)\s*(?P<d>[0-9]{{1,3}})\s+(?:{words(spans)})\b",
        re.IGNORECASE,
    )


def meant_codes(description: str | None) -> frozenset[str]:
    """The codes the first equipment name in a description may mean."""
    lexicon = _lexicon()
    name = lexicon.names.search(description or "")
    if name is None:
        return frozenset()
    return lexicon.codes.get(" ".join(name.group().lower().split()), frozenset())


def _suggested_code(description: str | None) -> str | None:
    """The code an item's name means when it means exactly one, checked against the table."""
    codes = meant_codes(description)
    code = next(iter(codes)) if len(codes) == 1 else None
    return code if code is not None and hcpcs.lookup(code) is not None else None


#: A serial number: letters and digits, maybe hyphenated, with at least one digit.
_SERIAL_VALUE = re.compile(r"[A-Z0-9][A-Z0-9-]{2,}[A-Z0-9](?![A-Za-z0-9])")
#: What may stand between a serial label and its value: "Serial #: AB123", "S/N AB123".
_SERIAL_LEAD = re.compile(r"[\s:#.]*")


def _serial(text: str, labelled: bool = True) -> str | None:
    """The serial number after a serial label in ``text`` (or the cell's own value)."""
    starts = [m.end() for m in _lexicon().serial.finditer(text)] if labelled else [0]
    for start in starts:
        lead = _SERIAL_LEAD.match(text, start)
        value = _SERIAL_VALUE.match(text, lead.end() if lead else start)
        if value and any(c.isdigit() for c in value.group()):
            return value.group()
    return None


def find_items(pages: Iterable[Page]) -> list[Found[Item]]:
    """Items ordered, in page order; an item printed twice (form and table) is kept once."""
    found: list[Found[Item]] = []
    seen: set[str] = set()
    printed: set[str] = set()
    listed: list[Found[Item]] = []
    for page in pages:
        lines = [_repaired(line) for line in page_lines(page)]
        listed += _listed_codes(lines)
        rows, used = _tables(page, lines)
        for item in _codes_wrapped_up([_table_item(page, heads, row) for heads, row in rows]):
            _keep(found, seen, item)
        rest = [line for line in lines if line.words[0].line not in used]
        for block, heads_codes in _rx_blocks(rest):
            used |= {word.line for line in block for word in line.words}
            prescribed = _rx_item(block)
            if heads_codes and prescribed.value.hcpcs is None and not prescribed.value.quantity:
                # "Rx: O2 2 LPM via nasal cannula" over "E1390 Oxygen concentrator - 1":
                # the therapy the coded lines under it supply, no item of its own.
                continue
            _keep(found, seen, prescribed)
        rest = [line for line in rest if line.words[0].line not in used]
        condition = False
        for line in _logical_lines(rest):
            condition = _condition_heading(line.text, condition)
            for segment in _segments(line):
                read: Sequence[Found[Item] | None] = (
                    _prose_items(segment) or _visit_items(segment) or _code_led_items(segment)
                )
                for item in read or [_line_item(segment, None)]:
                    if condition and item is not None and item.value.hcpcs is None:
                        continue  # "HOMEBOUND STATUS" / "... requires assist and walker"
                    _keep(found, seen, item)
        printed |= hcpcs.codes_printed(line.text for line in lines)
    # An order that names its equipment only in a list of codes ("HCPCS CODES: E1390,
    # E0431", as a certificate of medical necessity does) orders those codes' items.
    for item in listed if not found else []:
        _keep(found, seen, item)
    return _form_answers(_without_repeats(_agreed(found, printed)), pages)


def _tables(
    page: Page, lines: Sequence[TextLine]
) -> tuple[list[tuple[list[_Column], list[Word]]], set[int]]:
    """Each item table's rows with the table's columns, and the lines its headers and rows
    take (a header OCR cut into blocks is read once)."""
    rows: list[tuple[list[_Column], list[Word]]] = []
    used: set[int] = set()
    for line in lines:
        tables = _table_heads(page, line)
        if not tables or line.words[0].line in used:
            continue
        used |= {word.line for word in level_with(page, line.words)}
        # Tables side by side: each one's cells end where the next one's first column starts.
        ends = [table[0].left - _CELL_SLACK for table in tables[1:]] + [1.0]
        for heads, end in zip(tables, ends, strict=True):
            for row in _table_rows(page, heads, max(w.bbox[3] for w in line.words), end):
                used |= {word.line for word in row}
                rows.append((heads, row))
    return rows, used


@dataclass(frozen=True)
class CountCell:
    """A table row's count cell that gave no count: tesseract drops a lone "1" between a
    table's rules, or reads it as a letter ("a", "v")."""

    page: int
    #: The row's box, as its item's evidence has it.
    row: BBox
    #: The cell, under the count's head, across the row's first line.
    cell: BBox


def unread_counts(pages: Iterable[Page]) -> list[CountCell]:
    """The count cells of item tables' rows that OCR gave no count in."""
    cells: list[CountCell] = []
    for page in pages:
        rows, _ = _tables(page, [_repaired(line) for line in page_lines(page)])
        for heads, row in rows:
            at = next((i for i, head in enumerate(heads) if head.field == "quantity"), None)
            if at is None or _count(_text(_split(heads, row).get("quantity", []))) is not None:
                continue
            head, width = heads[at], heads[at].right - heads[at].left
            first = [w for w in row if abs(centre_y(w) - centre_y(row[0])) < height(row[0]) / 2]
            # A count centres under its head: from a head's width before it, or the end of
            # the words before it on the row, to the next head, whose column is another's.
            before = [w.bbox[2] for w in first if w.bbox[2] <= head.left]
            left = max([head.left - width, *before])
            right = heads[at + 1].left if at + 1 < len(heads) else min(1.0, head.right + width)
            top, bottom = min(w.bbox[1] for w in first), max(w.bbox[3] for w in first)
            box = union([w.bbox for w in row])
            cells.append(CountCell(page.number, box, (left, top, right, bottom)))
    return cells


def _listed_codes(lines: Sequence[TextLine]) -> list[Found[Item]]:
    """The equipment codes listed under a "HCPCS:" caption, each an item with no words."""
    listed = []
    for line in lines:
        for code in _ITEM_CODE.finditer(line.text):
            if _in_code_list(line.text[: code.start()]) and hcpcs.lookup(code.group("code")):
                count = _LISTED_COUNT.match(line.text, code.end())
                quantity = int(count.group("n")) or None if count else None
                item = Item(hcpcs=code.group("code"), quantity=quantity)
                listed.append(line.found(item, code.start(), count.end() if count else code.end()))
    return listed


def drug_item(
    pages: Sequence[Page], infusion: Infusion, items: Sequence[Item]
) -> Found[Item] | None:
    """The infusion's drug as an item of the order when no item names it, with the doses the
    sentence naming it counts ("Please begin ceftriaxone 2 g IV every 24 hours ..., 21
    doses in total"): a letter orders its drug in words, with no code or row to list it."""
    drug = infusion.drug
    if not drug or not is_infused(infusion):
        return None
    if any(drug.casefold() in (item.description or "").casefold() for item in items):
        return None
    # Not \b: a name may end in a bracket ("Immune globulin (Gamunex-C)").
    named = re.compile(rf"(?<!\w){re.escape(drug)}(?!\w)", re.IGNORECASE)
    for page in pages:
        for line in _logical_lines(page_lines(page)):
            match = named.search(line.text)
            if match is None:
                continue
            # Its doses may be counted past a semicolon ("for 6 weeks; 84 doses in total"),
            # never past the sentence; days are a per diem's count, not the drug's.
            sentence = _SENTENCE_END.search(line.text, match.end())
            stop = sentence.start() if sentence else len(line.text)
            counts = _lexicon().prose_count.finditer(line.text, match.end(), stop)
            doses = next((int(c.group("n")) for c in counts if c.group("n")), None)
            # Its code printed right after its name ("Immune globulin (Gamunex-C) J1561, ...").
            code = _ANY_HCPCS.match(line.text[match.end() :].lstrip(" ,:-"))
            listed = code.group() if code and hcpcs.lookup(code.group()) else None
            if doses is None:
                doses = _captioned_doses(pages)
            item = Item(description=drug, hcpcs=listed, quantity=doses or None)
            return line.found(item, *match.span())
    return None


#: A count of doses under its own caption, on the drug's line or a line of its own
#: ("Doses: 12", "# of doses 14", "Total doses = 21").
_DOSES_CAPTION = re.compile(
    r"(?<![A-Za-z])(?:#\s*(?:of\s+)?|total\s+|number\s+of\s+)?doses\s*[:=#-]?\s*(?P<n>[0-9]{1,3})\b",
    re.IGNORECASE,
)


def _captioned_doses(pages: Sequence[Page]) -> int | None:
    """The one count of doses the order captions apart from the sentence naming its drug;
    None when it captions none, or more than one (a count each for several drugs)."""
    counts = {
        int(match.group("n"))
        for page in pages
        for line in page_lines(page)
        for match in _DOSES_CAPTION.finditer(line.text)
    }
    return counts.pop() if len(counts) == 1 else None


def _without_repeats(found: list[Found[Item]]) -> list[Found[Item]]:
    """The items without those read with no code that repeat an item read with its code, or
    read with no count that repeat one read with its count: a title ("WRITTEN ORDER -
    MANUAL WHEELCHAIR") or a second print naming the same thing."""
    firm = [i.value for i in found if i.value.hcpcs is not None or i.value.quantity is not None]
    return [
        item
        for item in found
        if item.value.hcpcs is not None
        or not any(_same(item.value, other) for other in firm if other is not item.value)
    ]


def _same(named: Item, other: Item) -> bool:
    """Whether an item read without a code is the other one: its words are all the other
    item's, or its equipment name may mean the other's code (or a code the other's name may
    mean, when the other was read without a code but with its count)."""
    mine, theirs = _disciplines(named.description), _disciplines(other.description)
    if mine and theirs and mine != theirs:
        return False  # "Home health PT ..." and "Home health OT ...": two disciplines' visits
    words = set(_LETTERS.findall((named.description or "").lower()))
    if words and words <= set(_LETTERS.findall((other.description or "").lower())):
        return True
    meant = meant_codes(named.description)
    if other.hcpcs is not None:
        return other.hcpcs in meant
    return named.quantity is None and bool(meant & meant_codes(other.description))


def _disciplines(description: str | None) -> frozenset[str]:
    text = description or ""
    return frozenset(text[start:end].lower() for start, end in disciplines_in(text))


def _agreed(found: list[Found[Item]], printed: set[str]) -> list[Found[Item]]:
    """Items whose code does not exist given the code the order prints for them elsewhere
    (or that their name means), then merged with the item that code already stands for."""
    agreed: list[Found[Item]] = []
    seen: set[str] = set()
    for item in found:
        code = item.value.hcpcs
        if code is not None and hcpcs.lookup(code) is None:
            meant = _suggested_code(item.value.description)
            if (fixed := agreeing_code(code, printed | ({meant} if meant else set()))) is not None:
                item = replace(item, value=item.value.model_copy(update={"hcpcs": fixed}))
        _keep(agreed, seen, item)
    return agreed


def _form_answers(found: list[Found[Item]], pages: Iterable[Page]) -> list[Found[Item]]:
    """Items given the certificate's own flow rate and length of need where a row lacks them.

    A CMS-484 asks "highest prescribed flow rate" and "length of need" once for the whole
    order; the rows of its equipment narrative often leave those cells blank.
    """
    text = "\n".join(line.text for page in pages for line in page_lines(page))
    flows = {m.group("n") for m in _FORM_FLOW.finditer(text)}
    needs = {m.group("n") for m in _FORM_LON.finditer(text)}
    flow = float(flows.pop()) or None if len(flows) == 1 else None
    need = _in_range(int(needs.pop())) if len(needs) == 1 else None
    out: list[Found[Item]] = []
    for item in found:
        value = item.value
        update: dict[str, object] = {}
        if flow is not None and value.flow_rate_lpm is None and _is_oxygen(value):
            update["flow_rate_lpm"] = flow
        if need is not None and value.length_of_need_months is None:
            update["length_of_need_months"] = need
        out.append(replace(item, value=value.model_copy(update=update)) if update else item)
    return out


def _is_oxygen(item: Item) -> bool:
    entry = hcpcs.lookup(item.hcpcs) if item.hcpcs else None
    names = f"{item.description or ''} {entry.long_description if entry else ''}"
    return "oxygen" in names.lower()


#: A caption of a word or two and its colon, heading a line of items.
_LIST_CAPTION = re.compile(r"\s*[A-Za-z][A-Za-z/&]*(?: [A-Za-z/&]+)?\s?:\s*")
#: A word that may be an OCR-damaged item code: five characters, the last four digits or
#: the glyphs a code's digit positions are misread as ("EQ143").
_CODE_LIKE = re.compile(
    rf"[^\sA-Za-z0-9]?(?P<core>\S[0-9{digit_class('code')}]{{4,5}})[^\sA-Za-z0-9]{{0,2}}"
)


def _repaired(line: TextLine) -> TextLine:
    """The line with item codes OCR misread ("£0277", "F1390") read as the existing code.

    Only the line's text changes, character for character, so offsets still map to the
    words and the evidence keeps the text as printed.
    """
    text = line.text
    for word, at in zip(line.words, line.starts, strict=True):
        match = _CODE_LIKE.fullmatch(word.text)
        if match is None or _ITEM_CODE.fullmatch(match.group("core")):
            continue
        core = match.group("core")
        # A character too many ("KO0823", a 0 read twice): only the words printed after it
        # may choose the code.
        code = repair_hcpcs(core) or described_hcpcs(core, line.text[at + len(word.text) :])
        if code is None or not _ITEM_CODE.fullmatch(code):
            continue
        start = at + match.start("core")
        text = text[:start] + code.ljust(len(core)) + text[start + len(core) :]
    return line if text == line.text else replace(line, text=text)


def _logical_lines(lines: Sequence[TextLine]) -> list[TextLine]:
    """Printed lines with the lines they wrap onto ("... LON" + "99 months") joined."""
    out: list[TextLine] = []
    for line in lines:
        if out and _wraps_onto(out[-1].text, line.text):
            out[-1] = join_lines(out[-1], line)
        else:
            out.append(line)
    return out


def _wraps_onto(text: str, following: str) -> bool:
    if _MARKER.match(following) or (_code_opens(following) and not text.endswith("HCPCS")):
        return False
    head = following[:1]
    if _UNIT_FIRST.match(following) and text.rstrip()[-1:].isdigit():
        return True
    return head.islower() or (
        (head.isdigit() or head == "(" or _ITEM_CODE.match(following) is not None)
        and not text.rstrip().endswith((".", ":"))
    )


def _segments(line: TextLine) -> list[TextLine]:
    """A line cut at semicolons: letters list several items in one sentence.

    OCR reads a semicolon as a colon too, so a colon cuts where an item code stands on both
    sides of it ("... 99 months (lifetime): stationary liquid oxygen, HCPCS E0439 ...").
    """
    pieces: list[TextLine] = []
    at = 0
    for part in _split_items(line.text):
        end = at + len(part)
        spans = [
            (word, start)
            for word, start in zip(line.words, line.starts, strict=True)
            if start < end and start + len(word.text) > at
        ]
        if spans and part.strip():
            # The line's own text (which may carry repaired codes), not the words re-joined.
            texts = [line.text[start : start + len(word.text)] for word, start in spans]
            words = [word for word, _ in spans]
            pieces.append(
                TextLine(line.page, tuple(words), " ".join(texts), tuple(_offsets(words)))
            )
        at += len(part) + 1
    return pieces


def _split_items(text: str) -> list[str]:
    parts = text.split(";")
    if len(parts) > 1 and len(parts[0].split()) == 1:
        # One word before the first semicolon is a caption whose colon OCR misread: "PT;
        # eval + 2w4 (= 9 visits)".
        parts = [f"{parts[0]}:{parts[1]}", *parts[2:]]
    out: list[str] = []
    for part in parts:
        pieces = part.split(":")
        current = pieces[0]
        for piece in pieces[1:]:
            if _ITEM_CODE.search(current) and _ITEM_CODE.search(piece):
                out.append(current)
                current = piece
            else:
                current = f"{current}:{piece}"
        out.extend(_after_counts(current))
    return out


def _after_counts(text: str) -> list[str]:
    """A list run on along one line cut at the space before each code that follows another
    item's count: "E1390 Stationary concentrator x1   E0431 Portable gaseous system x1"."""
    cuts = [m.start("space") for m in _NEXT_AFTER_COUNT.finditer(text)]
    return [text[a:b] for a, b in zip([0, *(c + 1 for c in cuts)], [*cuts, len(text)], strict=True)]


#: A count, then the space before the next item's code.
_NEXT_AFTER_COUNT = re.compile(
    rf"(?:\bx\s?|\bq(?:ty|uantity)\.?:?\s?)[0-9]{{1,3}}(?P<space>\s)(?=[{_ITEM_LETTERS}][0-9]{{4}}\b)",
    re.IGNORECASE,
)


def _offsets(words: Sequence[Word]) -> list[int]:
    starts: list[int] = []
    at = 0
    for word in words:
        starts.append(at)
        at += len(word.text) + 1
    return starts


#: A brand and model in parentheses after the description: "Oxygen concentrator (Invacare
#: Platinum 5)". Unclosed, it ran into the next cell or line and is cut off.
_PAREN_TAIL = re.compile(r"\s*\((?P<b>[^()]*?)(?P<closed>\))?[\s|\[\]]*$")
#: Words of a brand name: capitalised or numbers, with some lower case ("EverFlo", not "LPM").
_BRAND_WORD = re.compile(r"[A-Z][A-Za-z0-9.+-]*|[0-9][A-Za-z0-9.-]*")


def _with_brand(item: Found[Item]) -> Found[Item]:
    value = item.value
    tail = _PAREN_TAIL.search(value.description or "")
    if value.brand_model is not None or tail is None or value.description is None:
        return item
    words = tail.group("b").split()
    if not words or not all(_BRAND_WORD.fullmatch(w) for w in words):
        return item
    if not any(c.islower() for c in tail.group("b")):
        return item  # "(LPM)", "(CPAP)": units and abbreviations, not a brand
    update: dict[str, object] = {"description": value.description[: tail.start()] or None}
    if tail.group("closed"):
        update["brand_model"] = " ".join(words)
    return replace(item, value=value.model_copy(update=update))


#: A list number as OCR reads it ("3.", "1;.", "2)") or a label ("Supplies:", "Rx:") that
#: opens a line before the item it lists.
_DESCRIPTION_LEAD = re.compile(r"^(?:\s*[0-9]{1,2}\s*[.);,:]+|\s*[A-Za-z][A-Za-z /]{0,24}:)\s*")
#: Marks OCR reads specks and table rules as.
_MARKS = ".,:;_~'\"`\u2018\u2019\u201c\u201d|\u2022\u00b7 "
_MARKS_ONLY = re.compile(f"[{re.escape(_MARKS)}]+")
#: A code's own label left at the end of a description: "Lancets, per box of 100 - HCPCS."
_DESCRIPTION_TAIL = re.compile(r"[\s,;:.\-|=/]*(?:\bHCPCS\b[\s,;:.\-|=/]*)?$", re.IGNORECASE)
#: The words that hand an item over in prose: "Please provide Ms. Lee with headgear".
_PROSE_HANDOVER = re.compile(r"\b(?:with|for|an?|the)\s+", re.IGNORECASE)


def _description(text: str | None) -> str | None:
    """The item's own words: no list number, line label, prose around it or code label."""
    if text is None:
        return None
    # OCR's specks around and inside the words: "’ 2. Portable oxygen", "bed, with . _ mattress".
    text = " ".join(t for t in text.split() if not _MARKS_ONLY.fullmatch(t)).lstrip(_MARKS)
    text = _DESCRIPTION_LEAD.sub("", text)
    cue = _ORDER_CUE.search(text)
    if cue is not None and cue.start() < len(text) // 2:
        # "Please provide Mr. X with oxygen concentrator": the order's sentence, not the item.
        handovers = list(_PROSE_HANDOVER.finditer(text, cue.end()))
        if handovers:
            text = text[handovers[-1].end() :]
    text = without_specks(_DESCRIPTION_TAIL.sub("", text).strip())
    # A discipline may be named by its abbreviation alone: "SN 1w3 (3 visits)".
    named = re.search(r"[A-Za-z]{3}", text) or (text and is_discipline(text.split()[0]))
    return text if named else None


def _keep(found: list[Found[Item]], seen: set[str], item: Found[Item] | None) -> None:
    if item is None:
        return
    description = _description(item.value.description)
    if description is None and item.value.hcpcs is None:
        return
    suggested = None if item.value.hcpcs else _suggested_code(description)
    update = {"description": description, "suggested_hcpcs": suggested}
    item = replace(item, value=item.value.model_copy(update=update))
    item = _with_brand(item)
    key = item.value.hcpcs or (item.value.description or "").lower()
    if key not in seen:
        seen.add(key)
        found.append(item)
        return
    # Printed twice (a code list, then the detailed line): the details the first lacked.
    for index, kept in enumerate(found):
        if (kept.value.hcpcs or (kept.value.description or "").lower()) != key:
            continue
        have = kept.value.model_dump()
        extra = {
            name: value
            for name, value in item.value.model_dump().items()
            if have.get(name) is None and value is not None
        }
        if extra:
            found[index] = replace(kept, value=kept.value.model_copy(update=extra))
        return


@dataclass(frozen=True)
class _Column:
    #: The Item field the column fills; None for one no item field takes (line number, size).
    field: str | None
    left: float
    right: float
    #: The head's words as printed.
    head: str = ""


#: A gap between two words of a header wider than this many word spacings parts two heads,
_HEAD_GAP = 2.0
#: ... and always one wider than this many heights of its tallest word.
_HEAD_GAP_MAX = 1.5
#: Heads an item table names at least (description, code or quantity, and one more): a
#: form's title ("Unit ... Medical Equipment / Supplies") names fewer.
_TABLE_HEADS = 3
#: Most heads a table prints: more is a page OCR read across its grain.
_HEAD_CELLS = 12
#: Most words a column head prints ("Frequency / instructions", "Description of item").
_HEAD_WORDS = 6
#: How far right of its last head a table's cells may run, as a fraction of the page width.
_TABLE_OVERHANG = 0.2
#: A wrapped line of a row sits closer below it than this many word heights.
_WRAP_GAP = 1.2
#: How far left of its head a cell's words may start (OCR boxes), as a fraction of the page.
_CELL_SLACK = 0.012
#: Most printed lines under a header before its first row: the header's wrapped end ("Proc."
#: over "code") and a rule. Further down, a row that opens is no row of this table.
_HEAD_LINES = 2
#: Most printed rows an item table runs to.
_TABLE_ROWS = 30


def _table_heads(page: Page, line: TextLine) -> list[list[_Column]]:
    """The columns of each item table whose header ``line`` prints, left to right: one
    table, two set side by side, or none.

    The header is every word printed level with the line (OCR may cut it into blocks),
    cut into heads at the wide gaps. A head takes the first field whose cue it names, with
    the words printed under it when it names none ("Total" over "visits"); an item table
    has a description head, a code or quantity head and a third column.
    """
    if _row_code_in(line.text) or not _lexicon().head_cue.search(line.text):
        return []
    band = level_with(page, line.words)
    if any(_row_code_in(word.text) for word in band):
        return []
    cells = _cells(band, _head_gap(band))
    if len(cells) > _HEAD_CELLS or any(_head_words(cell) > _HEAD_WORDS for cell in cells):
        return []
    cells = [part for cell in cells for part in _head_parts(cell)]
    columns = [_column(cell, page.words) for cell in cells]
    whole = _item_table(columns)
    return _side_by_side(columns) or ([whole] if whole else [])


def _column(cell: list[Word], words: Sequence[Word]) -> _Column:
    """A head's column: the field its words name, else the field they name with the words
    printed close under them, the head's wrapped end ("Total" over "visits")."""
    left, right = cell[0].bbox[0], cell[-1].bbox[2]
    field = _head_field(_text(cell))
    if field is not None:
        return _Column(field, left, right, _text(cell))
    bottom = max(w.bbox[3] for w in cell)
    reach = bottom + _HEAD_WRAP_GAP * max(map(height, cell))
    wrapped = [
        w
        for w in words
        if bottom < centre_y(w)
        and w.bbox[1] <= reach
        and left - _CELL_SLACK <= w.bbox[0]
        and w.bbox[2] <= right + _CELL_SLACK
    ]
    # A wrapped end is words, no cell's value (a count, a code).
    if wrapped and not any(char.isdigit() for w in wrapped for char in w.text):
        field = _head_field(_text([*cell, *wrapped]))
    return _Column(field, left, right, _text(cell))


#: A head's wrapped end starts within this many of its words' heights under it; a table's
#: first row stands further off.
_HEAD_WRAP_GAP = 0.5


#: Fields a table names once: a second description, code or quantity head on one header
#: row opens a second table set beside the first.
_ONCE_PER_TABLE = ("description", "hcpcs", "quantity")


def _side_by_side(columns: list[_Column]) -> list[list[_Column]]:
    """Two item tables whose headers share one printed row ("Discipline | Frequency | Total
    visits" beside "HCPCS | Item | Qty"), cut where each side is a table of its own, at the
    widest gap between heads if more than one cut would do; [] for no such pair."""
    fields = [column.field for column in columns]
    if not any(fields.count(field) > 1 for field in _ONCE_PER_TABLE):
        return []
    cuts = [
        (columns[cut].left - columns[cut - 1].right, cut)
        for cut in range(1, len(columns))
        if _item_table(columns[:cut]) and _item_table(columns[cut:])
    ]
    if not cuts:
        return []
    _, cut = max(cuts)
    return [_item_table(columns[:cut]), _item_table(columns[cut:])]


def _item_table(columns: list[_Column]) -> list[_Column]:
    """The columns as an item table's, its unnamed description found, or [] if they head
    none: a table needs a description, a code or a count, and a third named head."""
    if not any(column.field == "description" for column in columns):
        columns = _description_between(columns)
    fields = [column.field for column in columns if column.field is not None]
    if "description" not in fields or "diagnosis" in fields[: fields.index("description")]:
        return []  # no item table, or a diagnosis table: "# | ICD-10-CM | Description"
    named = [field for field in fields if field != "diagnosis"]
    if not ({"hcpcs", "quantity"} & set(named) and len(named) >= _TABLE_HEADS):
        return []
    return _one_count(columns)


def _one_count(columns: list[_Column]) -> list[_Column]:
    """The columns with one count: of several heads naming a count ("Units per day | Days
    supply | Qty"), the one that prints the count's own word ("Qty", "Dispense") is the
    item's; the others (a rate, a supply's days) fill no field."""
    counts = [column for column in columns if column.field == "quantity"]
    own = [column for column in counts if _lexicon().rx_quantity.search(column.head)]
    if len(counts) < _COUNT_HEADS or len(own) != 1:
        return columns
    return [replace(c, field=None) if c in counts and c not in own else c for c in columns]


#: Heads naming a count that leave the count to the one printing its word.
_COUNT_HEADS = 2


#: A word that is only a table rule as OCR reads it: "|", "§|", "‖".
_RULE_MARK = re.compile("[|\u00a7\u2016\u00a6!]+")
#: Fewest words each of two heads OCR ran together prints for the cell to be cut between
#: them at a word space: "Item code" is one head of a code column, "Total visits Billing
#: code" two heads.
_RUN_TOGETHER_WORDS = 2


def _head_parts(cell: list[Word]) -> list[list[Word]]:
    """The heads a head cell prints: OCR runs two together where their gap is narrow, cut
    again at a rule between them ("Total visits | Proc. code") or where words naming one
    field end and words naming another begin ("Total visits Billing code"; "HCPCS  Item" a
    space wider than a word's apart). A cell of marks only ("=", ".") is a speck or a rule,
    no head; "#" heads a count."""
    text = _text(cell)
    if not any(char.isalnum() for char in text) and _head_field(text) is None:
        return []
    rule = next((i for i, word in enumerate(cell) if _RULE_MARK.fullmatch(word.text)), None)
    if rule is not None:
        parts = [cell[:rule], *_head_parts(cell[rule + 1 :])]
        return [part for part in parts if part]
    for cut in range(1, len(cell)):
        before, after = cell[cut - 1], cell[cut]
        spaced = after.bbox[0] - before.bbox[2] > _HEAD_SPACE * max(height(before), height(after))
        if not spaced and min(cut, len(cell) - cut) < _RUN_TOGETHER_WORDS:
            continue
        left, right = _head_field(_text(cell[:cut])), _head_field(_text(cell[cut:]))
        if None not in (left, right) and left != right:
            return [cell[:cut], *_head_parts(cell[cut:])]
    return [cell]


#: A gap this many word heights wide parts two one-word heads naming different fields
#: ("HCPCS   Item" set close); a word space ("Item code") is a third of one.
_HEAD_SPACE = 0.8


def _head_field(text: str) -> str | None:
    """The field a head cell names: the first whose cue it prints, "diagnosis" for a
    diagnosis head (a code column of diagnoses, or the pointer column of an item table)."""
    text = _BOX_LETTER.sub("", text)
    if _lexicon().not_item_heads.search(text):
        return "diagnosis"
    field = next((f for f, cue in _lexicon().columns.items() if cue.search(text)), None)
    numbered = _NUMBERED_HEAD.fullmatch(text.strip())
    if field == "quantity" and numbered is not None:
        # "Wound #", "Line #": which one a row is about, not a count ("Qty #" is one).
        return field if _lexicon().columns["quantity"].search(numbered.group("noun")) else None
    return field


#: A head numbering something other than the count: a noun and a number sign.
_NUMBERED_HEAD = re.compile(r"(?P<noun>[A-Za-z]+)\.?\s*#")


#: A form's letter or number before a head, glued by its point or not: "2BA.HCPCS",
#: "F. UNITS", "| C. DESCRIPTION".
_BOX_LETTER = re.compile(r"^[\W_]*[0-9]{0,2}[A-Z]{1,2}\.\s*")


def _head_words(cell: list[Word]) -> int:
    """The words of a head cell, not counting a box's letter ("C.") or a rule's mark."""
    return sum(1 for word in cell if _TWO_LETTERS.search(word.text))


_TWO_LETTERS = re.compile(r"[A-Za-z]{2}")


def _description_between(columns: list[_Column]) -> list[_Column]:
    """The columns with the widest unnamed one after the code taken for the description: a
    table of codes and quantities describes its items between them (the head OCR lost). A
    table printing its codes last ("Therapy | Dose / rate | Days | HCPCS") names each row in
    its first column, whatever its head says."""
    fields = [column.field for column in columns]
    if "hcpcs" not in fields or "quantity" not in fields:
        return columns
    ends = [column.left for column in columns[1:]] + [1.0]
    unnamed = [
        (end - column.left, index)
        for index, (column, end) in enumerate(zip(columns, ends, strict=True))
        if column.field is None and index > fields.index("hcpcs")
    ]
    if not unnamed and fields[0] is None:
        unnamed = [(0.0, 0)]
    if not unnamed:
        return columns
    _, index = max(unnamed)
    return [*columns[:index], replace(columns[index], field="description"), *columns[index + 1 :]]


def _head_gap(words: Sequence[Word]) -> float:
    """The widest gap between two words of one head: twice the line's word spacing (its
    narrowest gap), but never as wide as a column gap of single-word heads."""
    gaps = [b.bbox[0] - a.bbox[2] for a, b in pairwise(words)]
    spacing = min((gap for gap in gaps if gap > 0), default=0.0)
    return min(_HEAD_GAP * spacing, _HEAD_GAP_MAX * max(map(height, words)))


def _cells(words: Sequence[Word], gap: float) -> list[list[Word]]:
    """Words left to right cut where the gap between two is wider than ``gap``."""
    cells: list[list[Word]] = []
    for word in words:
        if cells and word.bbox[0] - cells[-1][-1].bbox[2] <= gap:
            cells[-1].append(word)
        else:
            cells.append([word])
    return cells


def _table_rows(page: Page, heads: list[_Column], below: float, end: float) -> list[list[Word]]:
    """The printed rows of a table under its header, each with the lines it wraps onto; no
    word starts at ``end`` or right of it (another table's).

    A row opens with a code in the code column, or a description with a quantity; a line
    close under a row that only fills the description column and those right of it is the
    row's wrapped end. Anything else (a heading, a sentence across the page) ends the table.
    """
    left, right = heads[0].left - 0.03, min(heads[-1].right + _TABLE_OVERHANG, end)
    words = [w for w in page.words if centre_y(w) > below and left <= w.bbox[0] <= right]
    rows: list[list[Word]] = []
    last_bottom = below
    for index, printed in enumerate(visual_rows(words)[:_TABLE_ROWS]):
        if _lexicon().not_item_heads.search(_text(printed)):
            break
        if _table_heads(page, words_line(page, printed)):
            break  # the next table's header ("Supplies / services | HCPCS | Qty")
        cells = _split(heads, printed)
        if _opens_row(cells):
            rows.append(list(printed))
        elif rows and _wraps(heads, printed, min(w.bbox[1] for w in printed) - last_bottom):
            if _own_row(heads, rows[-1], cells):
                rows.append(list(printed))  # a row of its own whose code and count OCR lost
            else:
                rows[-1] += printed
        elif rows or index >= _HEAD_LINES:
            break
        last_bottom = max(w.bbox[3] for w in printed)
    return rows


def _fits_above(heads: list[_Column], row: list[Word], cells: dict[str | None, list[Word]]) -> bool:
    """Whether the line's first description word would have fit after the row's last
    description line: then the description did not wrap onto this line ("Gammagard Liquid"
    over "Acetaminophen  650 mg PO ...", whose count cell OCR left empty)."""
    described = cells.get("description")
    above = _split(heads, row).get("description")
    if not described or not above:
        return False
    at = next(i for i, head in enumerate(heads) if head.field == "description")
    limit = heads[at + 1].left if at + 1 < len(heads) else 1.0
    last = max(centre_y(w) for w in above)
    end = max(w.bbox[2] for w in above if abs(centre_y(w) - last) < height(w) / 2)
    first = described[0]
    return end + height(first) + (first.bbox[2] - first.bbox[0]) < limit


def _own_row(heads: list[_Column], row: list[Word], cells: dict[str | None, list[Word]]) -> bool:
    """Whether a line under a row, in its description column, is a row of its own that
    opened no row only because OCR lost its code and count: it fills three columns (its
    description and two more, "Acetaminophen | 650 mg PO | before each dose"), or two when
    its first word would have fit on the row's last description line."""
    filled = [field for field, words in cells.items() if words]
    # A name opens with a capital; a wrapped description's end seldom does ("auto-titrating").
    # A code cell OCR garbled past reading keeps the line with the row above, as before: an
    # item with no code where one is printed would stand for a code nobody can read.
    if "description" not in filled or "hcpcs" in filled:
        return False
    if not cells["description"][0].text[:1].isupper():
        return False
    return len(filled) >= _OWN_ROW_COLUMNS or (
        len(filled) >= _OWN_ROW_COLUMNS - 1 and _fits_above(heads, row, cells)
    )


#: Columns a line fills to be a row of its own with no code and no count.
_OWN_ROW_COLUMNS = 3


def _wraps(heads: list[_Column], words: list[Word], gap: float) -> bool:
    """Whether a printed line is the wrapped end of the row above it: close under it, in
    the description column or right of it, and no label of a form."""
    if gap > _WRAP_GAP * max(height(w) for w in words) or any(":" in w.text for w in words):
        return False
    described = [head.left for head in heads if head.field == "description"]
    return min(w.bbox[0] for w in words) >= described[0] - _CELL_SLACK


def _unnamed_code(cells: dict[str | None, list[Word]]) -> list[Word]:
    """A code in a column no head names (its head wrapped, "Proc." over "code", or OCR
    damaged it past reading), as printed or as the row's description vouches for it."""
    unnamed = cells.get(None, [])
    described_by = _text(cells.get("description", []))
    return [word for word in unnamed if _table_code(word.text, described_by)[0] is not None][:1]


def _opens_row(cells: dict[str | None, list[Word]]) -> bool:
    description = cells.get("description", [])
    code = cells.get("hcpcs") or _unnamed_code(cells)
    if code and _cell_code(code, _text(description)) != (None, None):
        return True
    if description and _hcpcs_code(description[0].text) is not None:
        return True
    # A word opens the cell, maybe an abbreviation ("PT evaluation and treatment"), and a
    # word of three letters or more names something.
    text = _text(description)
    described = re.match(r"\W*[A-Za-z]{2}", text) is not None and _LETTERS.search(text) is not None
    return described and _count(_text(cells.get("quantity", []))) is not None


def _split(heads: list[_Column], words: Sequence[Word]) -> dict[str | None, list[Word]]:
    """The words of a row under each head: the head its middle lies under, else the last head
    starting left of it (descriptions run past their head; numbers centre under theirs)."""
    cells: dict[str | None, list[Word]] = {}
    for word in words:
        middle = (word.bbox[0] + word.bbox[2]) / 2
        slack = height(word) / 2
        under = [h for h in heads if h.left - slack <= middle <= h.right + slack]
        starting = [h for h in heads if h.left - _CELL_SLACK <= word.bbox[0]] or heads[:1]
        owner = under[0] if under else starting[-1]
        cells.setdefault(owner.field, []).append(word)
    return cells


def _text(words: Sequence[Word]) -> str:
    return " ".join(word.text for word in words)


def _table_item(page: Page, heads: list[_Column], row: list[Word]) -> Found[Item] | None:
    """An item from the words of one table row (its wrapped lines included)."""
    cells = _split(heads, row)
    text = {field: _text(words) for field, words in cells.items() if field is not None}
    description = text.get("description")
    code_words = cells.get("hcpcs") or _unnamed_code(cells)
    if not code_words and description and _hcpcs_code(description.split()[0]) is not None:
        # No code column, or none filled: a code may lead the description cell.
        code_words, description = cells["description"][:1], description.split(" ", 1)[-1]
    code, cpt = _cell_code(code_words, description or "")
    if code is None and cpt is None and description:
        # The code wrapped into the name's cell under its caption or in brackets: "Ceftriaxone
        # HCPCS J0696", "Sodium chloride 0.9% flush syringe (A4216)".
        inner = _CODE_IN_NAME.search(description)
        if inner is not None and hcpcs.lookup(inner.group("code")) is not None:
            code = inner.group("code")
            rest = f"{description[: inner.start()]} {description[inner.end() :]}".strip()
            description = rest or None
    quantity = _count(text.get("quantity", "")) or _visit_total(text.values())
    item = Item(
        description=description,
        hcpcs=code or cpt,
        quantity=quantity,
        frequency=_cell_frequency(text.get("frequency", ""), ""),
        flow_rate_lpm=_float(text.get("flow", "")),
        length_of_need_months=_months(text.get("lon", "")) or _in_range(_int(text.get("lon", ""))),
        brand_model=text.get("brand_model") or None,
        serial_number=_serial(text.get("serial", ""), labelled=False),
    )
    if item.description is None and item.hcpcs is None:
        return None
    return found_from_words(item, page, row)


def _codes_wrapped_up(items: list[Found[Item] | None]) -> list[Found[Item] | None]:
    """A table's rows with a row holding only a code ("HCPCS J3370", wrapped under the
    drug's name beside the sig's next line) given to the row above it, which has none."""
    out: list[Found[Item] | None] = []
    for found in items:
        above = out[-1] if out else None
        value = found.value if found is not None else None
        lone = value is not None and value.description is None and value.quantity is None
        if found is not None and lone and above is not None and above.value.hcpcs is None:
            out[-1] = replace(
                above, value=above.value.model_copy(update={"hcpcs": found.value.hcpcs})
            )
            continue
        out.append(found)
    return out


#: An item's code inside its name's cell, under its caption or in brackets.
_CODE_IN_NAME = re.compile(
    rf"\s*(?:\b(?:HCPCS|code)\b:?\s*|\(\s*)(?P<code>{_ANY_HCPCS.pattern})(?:\s*\))?(?![0-9])",
    re.IGNORECASE,
)
#: A count that opens a quantity cell: "12", "1 (one)", "4 boxes"; not "12/19/1936".
_COUNT = re.compile(r"\W{0,2}(?P<n>[0-9]{1,4})(?![0-9]|[/.,:-][0-9])")


def _count(text: str) -> int | None:
    match = _COUNT.match(text)
    return int(match.group("n")) or None if match else None


def _rx_blocks(lines: Sequence[TextLine]) -> list[tuple[list[TextLine], bool]]:
    """Prescription blocks: an "Rx:" line and the lines under it up to the next one, each
    with whether a coded line ends it.

    An "Rx:" before an item's code ("Rx: E0143 Walker ... - Qty 1") heads a list of coded
    lines, each an item of its own, and a line opening with a code ends a block."""
    blocks: list[tuple[list[TextLine], bool]] = []
    open_block = False
    for line in lines:
        label = _RX.match(line.text)
        if (
            label
            and _lexicon().rx.search(label.group())
            and _LETTERS.search(line.text, label.end())
        ):
            open_block = not _ITEM_CODE.match(line.text[label.end() :].lstrip())
            if open_block:
                blocks.append(([line], False))
        elif _ITEM_CODE.match(line.text.lstrip(_MARKS)):
            if open_block:
                blocks[-1] = (blocks[-1][0], True)
            open_block = False
        elif open_block and len(blocks[-1][0]) < _lexicon().rx_lines:
            blocks[-1][0].append(line)
    return blocks


#: A prescription's opening label: "Rx:", "Rx;", "Rx." as OCR reads its colon.
_RX = re.compile(r"\W{0,2}[A-Za-z]{2}\s?[:;.]")
#: A word of an item's name: an "Rx:" with none after it heads a list, not one block.
_LETTERS = re.compile(r"[A-Za-z]{3,}")
#: A count after a dispense label: "Disp: 1 (one) each", "Disp: ~ 10 (ten)".
_RX_COUNT = re.compile(r"[\s:;.~_-]*(?P<n>[0-9]{1,4})\b")


def _rx_item(block: list[TextLine]) -> Found[Item]:
    """One item from a prescription block: the text after "Rx:", the code in brackets after
    it or in the notes (never one after a diagnosis label), the count after "Disp:"."""
    opener = block[0]
    label = _RX.match(opener.text)
    named = opener.text[label.end() if label else 0 :]
    bracket = re.search(r"\s*[\[({](?P<code>[^\])}]{4,7})[\])}]\s*$", named)
    code = _table_code(bracket.group("code"), named[: bracket.start()])[0] if bracket else None
    if bracket and code is None and _ANY_HCPCS.fullmatch(bracket.group("code")):
        # Printed clean where a prescription prints its code, but newer than the table (a
        # code CMS added this quarter): kept as printed, and the rules flag it unknown.
        code = bracket.group("code")
    if bracket and code is not None:
        named = named[: bracket.start()]
    quantity = None
    for line in block[1:]:
        cue = _lexicon().rx_quantity.search(line.text)
        count = _RX_COUNT.match(line.text, cue.end()) if cue and cue.start() < 3 else None
        quantity = quantity or (int(count.group("n")) or None if count else None)
        code = code or _noted_code(line.text)
    item = Item(description=named.strip(_MARKS + "_-"), hcpcs=code, quantity=quantity)
    return found_from_words(item, opener.page, [w for line in block for w in line.words])


def _noted_code(text: str) -> str | None:
    """A HCPCS code in a note, before any diagnosis label: "Notes: HCPCS A7032; Dx: ..."."""
    dx = _lexicon().not_item_heads.search(text)
    tokens = re.split(r"[\s;,]+", text[: dx.start() if dx else None])
    return next((code for token in tokens if (code := _hcpcs_code(token))), None)


def _visit_total(cells: Iterable[str]) -> int | None:
    """The total of visits a cell prints with its frequency, its wrapped end included
    ("(= 8" over "visits)"): each cell on its own, as a row's cells interleave."""
    match = next((m for cell in cells if (m := _VISIT_TOTAL.search(cell))), None)
    return int(match.group("n")) or None if match else None


def _row_code_in(text: str) -> bool:
    return any(_hcpcs_code(token) is not None for token in text.split())


def _cell_code(words: Sequence[Word], described_by: str) -> tuple[str | None, str | None]:
    """(HCPCS, CPT) of the first word of a code cell that prints one: a line number or a
    rule's mark may stand before it ("1 A6248", "= A6222")."""
    return next(
        (read for word in words if (read := _table_code(word.text, described_by)) != (None, None)),
        (None, None),
    )


def _table_code(token: str, described_by: str = "") -> tuple[str | None, str | None]:
    """(HCPCS, CPT) a code cell prints: a HCPCS code, or else the HCPCS code the row's
    description vouches for among those near a damaged print ("46213", A6213, beside
    "Silicone bordered foam"), or else a five-digit CPT code ("99601")."""
    if (code := _hcpcs_code(token)) is not None:
        return code, None
    token = token.strip(_MARKS + "[]()")
    if described_by and (code := _described_code(token, described_by)) is not None:
        return code, None
    return None, (token if token.isdigit() and is_cpt_format(token) else None)


@lru_cache(maxsize=1024)
def _described_code(token: str, described_by: str) -> str | None:
    # Cached: a row is read twice, once to see that it opens and once for its item.
    return described_hcpcs(token, described_by)


def _hcpcs_code(token: str) -> str | None:
    """The existing HCPCS code a token prints, as read or repaired into the one it can be."""
    token = token.strip(_MARKS + "[]()")
    if hcpcs.lookup(token) is not None and _ANY_HCPCS.fullmatch(token):
        return token
    if sum(c.isdigit() for c in token) < _REPAIR_DIGITS:
        return None
    return repair_hcpcs(token)


def _line_item(line: TextLine, following: TextLine | None) -> Found[Item] | None:
    text = line.text
    listed = _listed_code(text)
    code_match = _ITEM_CODE.search(text) or listed
    name = _lexicon().names.search(text)
    if code_match is None:
        if name is None or _a_title(text, name) or _of_condition(text, name):
            return None
        if not (_ordered(text, name) or _listed_alone(text, name) or _captioned(text, name)):
            return None
        details = _details(text[name.end() :])
        clause = _CLAUSE_END.search(text, name.end())
        count = _lexicon().prose_count.search(
            text, name.end(), clause.start() if clause else len(text)
        )
        if details["quantity"] is None and count is not None:
            # "Please also provide the home infusion per diem for 21 days."
            details["quantity"] = int(count.group("n") or count.group("d")) or None
        return _found(line, Item(description=name.group(), **details))
    before = _MARKER.sub("", text[: code_match.start()])
    # The code opens the line, or follows the form's caption ("Item(s) ordered: E0250 ...",
    # "Rx: E0143 Walker ...").
    rx = _RX.fullmatch(before.strip())
    caption = (
        _code_opens(text)
        or _lexicon().columns["description"].search(before)
        or (rx is not None and _lexicon().rx.search(rx.group()))
        # A list's own short caption before its first code ("DME: E0143 Walker ...").
        or _LIST_CAPTION.fullmatch(before) is not None
    )
    if _in_code_list(before):
        return None
    if _CODE_AND_COUNT.fullmatch(before) and (count := _READ_COUNT.match(text, code_match.end())):
        # "HCPCS / qty  E1390 x1" under the item's name: the code and count of the line
        # above, whose name the code's description stands for. A fax reads the 1 as "l".
        number = int(count.group("n").translate(digit_translation("common")))
        item = Item(hcpcs=code_match.group("code"), quantity=number or None)
        return line.found(item, code_match.start(), count.end())
    led = _led_description(text, code_match) if caption else None
    if led is None and listed is None and not _looks_like_item_code(text, code_match, name):
        return None
    if serial_label := _lexicon().serial.search(before):
        # "Oxygen concentrator, replaces S/N AB123 (E1390)": the serial is no description.
        before = before[: serial_label.start()].rstrip(" ,;(-")
    description = led or _CODE_LEAD.sub("", before).strip(" ,-") or None
    if (
        name is not None
        and name.start() < code_match.start()
        and description
        and len(description) > len(name.group()) + 40
    ):
        # A long run before the code names more than the item: from its name on.
        description = text[name.start() : code_match.start()]
        description = _CODE_LEAD.sub("", description).strip(" ,-")
    after = text[code_match.end() :]
    if (
        following is not None
        and re.fullmatch(r"[0-9]{1,3}\b.*", following.text)
        and re.search(rf"{_QUANTITY_CAPTION}\s*$", after, re.IGNORECASE)
    ):
        after = f"{after} {following.text}"  # "Qty" at the end of a line, its number below
    details = _details(after)
    details["quantity"] = details["quantity"] or _count_apart(line, code_match.end())
    details["serial_number"] = details["serial_number"] or _serial(text)
    if listed is not None and description is not None:
        # A drug's line: its name, then its dosing ("Infliximab 5 mg/kg IV every 8 weeks").
        description, dosing = split_dose(description)
        details["frequency"] = dosing or details["frequency"]
    brand = re.match(
        r"[\s)\]]*-\s*(?P<b>[A-Z][^,;]*?)\s*(?=\b(?:q[tl]y|[o0]ty)\b|$)", after, re.IGNORECASE
    )
    if brand and not details.get("brand_model"):
        printed = brand.group("b")
        if serial_label := _lexicon().serial.search(printed):
            printed = printed[: serial_label.start()]  # "- Serial No. AB123": no brand
        details["brand_model"] = printed.strip(" ,(-") or None
    item = Item(description=description, hcpcs=code_match.group("code"), **details)
    return _found(line, item)


def _code_opens(text: str) -> bool:
    """Whether an item's code opens the line, after marks at most: a list's number, or a
    tick box OCR read as marks or letters ("XX] E0260 ...", "><] E0163 ...", "x] E0184").
    Not a code in brackets, which names the item a sentence ran on from the line above
    ("... an ambulatory infusion pump" / "(E0781), 1 rental")."""
    code = _ITEM_CODE.search(text)
    if code is None or _LETTERS.search(text, 0, code.start()):
        return False
    return not text[: code.start()].rstrip().endswith(("(", "["))


def _listed_code(text: str) -> re.Match[str] | None:
    """The code of a drug or a service set off by a dash in a list entry: "1) Infliximab
    5 mg/kg IV every 8 weeks - J1745 - #4 doses", "3) Home infusion per diem - S9379 - #4
    days". Only a list's: in a sentence such a code names a procedure."""
    if _MARKER.match(text) is None:
        return None
    code = _DASHED_CODE.search(text)
    return code if code is not None and hcpcs.lookup(code.group("code")) else None


#: A code after a dash set off by a space, with words before it (see ``_listed_code``).
_DASHED_CODE = re.compile(rf"(?<=[A-Za-z)\]]\s)[{_DASHES}]\s*(?P<code>{_ANY_HCPCS.pattern})\b")


def _count_apart(line: TextLine, after: int) -> int | None:
    """A bare count standing apart at a list line's end, where the dot leaders before it were
    lifted: "E0562 Heated humidifier      1", "A7030 Full face mask      1 per 3 months"."""
    words = [word for word, at in zip(line.words, line.starts, strict=True) if at >= after]
    for index in range(1, len(words)):
        left, word, rest = words[index - 1], words[index], words[index + 1 :]
        alone = not rest or rest[0].text.lower() == "per"
        if alone and _BARE_COUNT.fullmatch(word.text) and is_column_gap(line.page, left, word):
            return int(word.text) or None
    return None


#: Where a description after its code ends: a dash set off by a space before the details.
_DETAILS_DASH = re.compile(rf"\s[{_DASHES}]")


def _led_description(text: str, code: re.Match[str]) -> str | None:
    """The description after an existing code that opens a list line, up to its details:
    "E0978 Positioning / seat belt - Disp qty 1", "E2603 Skin protection cushion #1"."""
    if hcpcs.lookup(code.group("code")) is None:
        return None
    after = text[code.end() :]
    ends = [m.start() for m in (_DETAILS_DASH.search(after), _QUANTITY.search(after)) if m]
    description = after[: min(ends, default=len(after))].strip(_MARKS + "-")
    return description if _LETTERS.search(description) else None


#: A code in brackets after the words naming its item: "meropenem (J2185)", "per diem ($9502)".
_BRACKETED = re.compile(r"[(\[](?P<code>[^()\[\]{}\s]{5,6})[)\]}]")


def _prose_items(line: TextLine) -> list[Found[Item]]:
    """The items a sentence names with their codes in brackets, each with the count the
    words up to the next item's name give: "meropenem (J2185) 1 g IV q8h for 6 weeks, 126
    doses in total", "home infusion nursing visits (99601) for line care, 7 in total"."""
    named: list[tuple[int, str | None, re.Match[str]]] = []
    for bracket in _BRACKETED.finditer(line.text):
        after = named[-1][2].end() if named else None
        start = _name_start(line.text, after, bracket.start())
        code, cpt = _table_code(bracket.group("code"), line.text[start : bracket.start()])
        if (code or cpt) and _LETTERS.search(line.text, start, bracket.start()):
            named.append((start, code or cpt, bracket))
    items = []
    for index, (start, code, bracket) in enumerate(named):
        end = named[index + 1][0] if index + 1 < len(named) else len(line.text)
        details = _details(line.text[bracket.end() : end])
        count = _lexicon().prose_count.search(line.text, bracket.end(), end)
        spelled = _SPELLED_COUNT.match(line.text, start, bracket.start())
        number = _lexicon().numbers.get(spelled.group("word").lower()) if spelled else None
        if count is not None:
            details["quantity"] = int(count.group("n") or count.group("d")) or None
        elif (bare := _BRACKET_COUNT.match(line.text, bracket.end(), end)) is not None:
            details["quantity"] = int(bare.group("n")) or None
        elif spelled is not None and number is not None:
            details["quantity"] = number
        if spelled is not None and number is not None:
            start = spelled.end()  # "one ambulatory infusion pump": the count is no name
        item = Item(description=line.text[start : bracket.start()], hcpcs=code, **details)
        items.append(line.found(item, start, bracket.end()))
    return items


#: A word opening an item's name that may spell out its count ("one ambulatory ...").
_SPELLED_COUNT = re.compile(r"\s*(?P<word>[A-Za-z]+)\s+")

#: A bare count set off by a comma or a dash right after an item's bracketed code:
#: "concentrator (E1390), 1", "TPN per diem (S9365) - 30 days"; not a dose ("(J2185) 1 g").
_BRACKET_COUNT = re.compile(rf"\s*(?:,|\s[{_DASHES}])\s*(?P<n>[0-9]{{1,4}})\b(?![/.:,-]?[0-9])")


def _visit_items(line: TextLine) -> list[Found[Item]]:
    """Home-health disciplines a sentence orders with their visits' total printed: "skilled
    nursing 2x/week x 4 weeks (= 8 visits) ...; physical therapy evaluate and treat, 2x/week
    x 3 weeks (= 6 visits)". The total is read only where it is printed, up to the next
    discipline's name or the sentence's end: a frequency alone is not multiplied out."""
    names = disciplines_in(line.text)
    items = []
    for index, (start, stop) in enumerate(names):
        end = names[index + 1][0] if index + 1 < len(names) else len(line.text)
        sentence = _SENTENCE_END.search(line.text, stop, end)
        total = _VISIT_TOTAL.search(line.text, stop, sentence.start() if sentence else end)
        if total is not None:
            # The discipline with its frequency and purpose, as printed up to the total: an
            # abbreviation alone ("SN") would say too little. Its colon goes ("PT: eval +
            # 3w2"), which would make the discipline a line's caption, and a "Home health"
            # before it stays.
            lead = _HOME_HEALTH_LEAD.search(line.text[:start])
            start = lead.start() if lead else start
            after = stop + 1 if line.text[stop : stop + 1] in (":", ";") else stop
            printed = f"{line.text[start:stop]}{line.text[after : total.start()]}".rstrip(" (=,;-")
            item = Item(description=printed, quantity=int(total.group("n")))
            items.append(line.found(item, start, total.end()))
    return items


#: Words naming the home-health order a discipline's visits are part of: "Home health PT".
_HOME_HEALTH_LEAD = re.compile(r"(?i)\b(?:home\s+health|HH)\s+$")


def _code_led_items(line: TextLine) -> list[Found[Item]]:
    """The items a sentence names by their code, each then described: "I am ordering a K0823
    Power wheelchair, group 2 standard, captains chair (quantity 1), with E2601 general use
    seat cushion (quantity 1)". A code is read so only after the words that hand an item
    over in a sentence ("a", "with", "and"); its description runs to a bracket, a count or
    the clause's end, and its count is read up to the next such code."""
    codes = list(_ITEM_CODE.finditer(line.text))
    if len(codes) < _MIN_HANDED_OVER:
        return []  # one code: the line's own item, read by its layout
    led = [
        code
        for code in codes
        if _CODE_LEAD_IN.search(line.text[: code.start()])
        and not _in_code_list(line.text[: code.start()])
    ]
    items = []
    for index, code in enumerate(led):
        end = led[index + 1].start() if index + 1 < len(led) else len(line.text)
        after = line.text[code.end() : end]
        stop = _DESCRIPTION_END.search(after)
        described = after[: stop.start() if stop else len(after)]
        description = described.strip(_MARKS + "-")
        if hcpcs.lookup(code.group("code")) is None or not _LETTERS.search(description):
            continue
        details = _details(after)
        item = Item(description=description, hcpcs=code.group("code"), **details)
        items.append(line.found(item, code.start(), code.end() + len(described.rstrip())))
    return items


#: The words before a code that make it the item a sentence hands over: "ordering a K0823",
#: "with E2601", "and one E0978"; a caption's colon or a list's comma before it ("Order:
#: E0601 CPAP device, ...", "..., E0431 portable gaseous oxygen").
_CODE_LEAD_IN = re.compile(r"(?:\b(?:a|an|one|with|and|plus)\s+|[:,]\s*)$", re.IGNORECASE)
#: A line hands items over by their codes when it names two at least.
_MIN_HANDED_OVER = 2
#: Where a code's description ends in a sentence: a bracket, a count, a clause's or the
#: sentence's end.
_DESCRIPTION_END = re.compile(
    r"[(;]|\.\s|\.$|\b(?:q[tl]y|quantity)\b|,\s+(?:with|and)\b", re.IGNORECASE
)


#: A visits' total as an order prints it after a frequency: "(= 8 visits)", "8 visits total".
#: One visit only as a total ("(= 1 visit)"): "1 visit PRN" is a frequency, not a count.
_VISIT_TOTAL = re.compile(
    r"(?<![0-9/])(?P<n>[0-9]{1,3})\s+(?:total\s+)?(?:visits|(?<== 1 )visit)\b", re.IGNORECASE
)


#: The clause an item's name opens after another item of the sentence: ", an infusion pump";
#: a mark inside a number ("Jevity 1.5") ends no clause.
_CLAUSE = re.compile(r".*[,.;](?=\s|$)", re.DOTALL)


def _name_start(text: str, after: int | None, end: int) -> int:
    """Where the name of the item whose code is at ``end`` starts: after the last hand-over
    word, else after the clause break since the item named before it (``after``), without
    the words that join it on."""
    lexicon = _lexicon()
    handovers = lexicon.handovers.finditer(text[:end], after or 0)
    if handovers:
        start = handovers[-1].end()
    elif after is not None:
        clause = _CLAUSE.match(text, after, end)
        start = clause.end() if clause else after
    else:
        start = 0
    while (join := lexicon.joins.match(text, _next_word(text, start))) is not None:
        start = join.end()
    return start


def _next_word(text: str, at: int) -> int:
    return at + len(text[at:]) - len(text[at:].lstrip())


def _a_title(text: str, name: PhraseMatch) -> bool:
    """A form's title naming its equipment: the name and the order's cue in capitals, as a
    heading prints them ("POWER WHEELCHAIR WRITTEN ORDER", "7-ELEMENT ORDER - POWER MOBILITY
    DEVICE"). An item is ordered in words of a sentence or a list's case."""
    cue = _ORDER_CUE.search(text)
    return cue is not None and name.group().isupper() and cue.group().isupper()


def _ordered(text: str, name: PhraseMatch) -> bool:
    """Whether an order's verb or count governs the equipment's name: in its clause, a few
    words off. "Please provide a rolling walker" orders one; "leaving requires a
    considerable and taxing effort; ambulates with cane" orders none."""
    for cue in _ORDER_CUE.finditer(text):
        between = (
            text[cue.end() : name.start()]
            if cue.end() <= name.start()
            else text[name.end() : cue.start()]
        )
        if not _CLAUSE_END.search(between) and len(between.split()) <= _CUE_REACH:
            return True
    return False


#: The end of a sentence: a point or a mark before a space, not a decimal point ("2.5 mg").
_SENTENCE_END = re.compile(r"[.!?]\s")
#: Marks that end a clause: a cue past one governs another phrase.
_CLAUSE_END = re.compile(r"[;.!?]\s|[;!?]$")
#: The most words between an order's cue and the equipment it orders ("provide one
#: standard lightweight folding wheelchair").
_CUE_REACH = 6


def _captioned(text: str, name: PhraseMatch) -> bool:
    """An equipment name right after a form's description caption, which orders it as much
    as a verb does ("Item(s) ordered / description  Power wheelchair, ...", the verb
    misread)."""
    before = text[: name.start()]
    captions = list(_lexicon().columns["description"].finditer(before))
    return bool(captions) and not before[captions[-1].end() :].strip(_MARKS + ":")


def _condition_heading(text: str, under: bool) -> bool:
    """Whether a line is under a heading of the patient's condition ("HOMEBOUND STATUS"),
    whose equipment is what the patient uses, not what is ordered: a line that is such a
    heading opens its part, and another heading (short, in capitals) closes it."""
    bare = text.strip(" :.")
    caption = _lexicon().condition.match(bare)
    if caption is not None and caption.end() == len(bare):
        return True
    heading = bare.isupper() and len(bare.split()) <= _HEADING_WORDS
    return under and not heading


#: The most words a part's heading has.
_HEADING_WORDS = 5


def _of_condition(text: str, name: PhraseMatch) -> bool:
    """Whether the name follows a caption of the patient's condition on its line."""
    head, colon, _ = text[: name.start()].rpartition(":")
    caption = re.split(r"[:;.,]", head)[-1]
    return bool(colon) and _lexicon().condition.search(caption) is not None


def _listed_alone(text: str, name: PhraseMatch) -> bool:
    """A list entry that is only an equipment name: "1. Shower chair"."""
    marker = _MARKER.match(text)
    return marker is not None and not text[marker.end() :].replace(name.group(), "").strip(" .,")


def _in_code_list(before: str) -> bool:
    """Whether a code is printed in a list of codes under a "HCPCS:" procedure label, its
    other codes maybe damaged ("HCPCS CODES: £1390, E0431"): the order's procedures."""
    return _CODE_LIST.search(before) is not None


_CODE_LIST = re.compile(
    r"\b(?:hcpcs|cpt|codes?)\s*(?:\(s\))?\s*:\s*(?:[^\s,;]{5}(?:\s*[x\u00d7]\s?[0-9]{1,3})?\s*[;,]?\s*)*$",
    re.IGNORECASE,
)
#: The caption of a line giving an item's code and count only: "HCPCS / qty".
_CODE_AND_COUNT = re.compile(
    r"\s*(?:hcpcs|cpt|code)\s*(?:/|&|and)\s*(?:qty|quantity|count)\s*[:.]?\s*", re.IGNORECASE
)
#: A count after an item's code, its digits maybe read as look-alikes ("E1390 xl").
_READ_COUNT = re.compile(rf"\s*[x\u00d7]\s?(?P<n>[0-9{digit_class('common')}]{{1,3}})(?!\w)")
#: A count right after a listed code: "HCPCS: A7031 X1, A7032 X2".
_LISTED_COUNT = re.compile(r"\s*[x\u00d7]\s?(?P<n>[0-9]{1,3})\b", re.IGNORECASE)


def _looks_like_item_code(text: str, code: re.Match[str], name: PhraseMatch | None) -> bool:
    """A code printed as an equipment line's code, not under a "HCPCS:" procedure label."""
    before = text[: code.start()]
    if _in_code_list(before):
        return False
    labelled = re.search(r"(?:HCPCS\s*[:#]?\s*|[(\[])$", before, re.IGNORECASE) is not None
    leads = not _MARKER.sub("", before).strip()
    return labelled or (leads and name is not None) or name is not None


def _details(text: str) -> dict[str, object]:
    # A count's caption first: "1 can x 5 daily - Qty 150 units/month" dispenses 150.
    quantity = (
        _CAPTIONED.search(text)
        or _QUANTITY.search(text)
        or _DASHED_COUNT.search(text)
        or _LEADER_COUNT.search(text)
    )
    flow = _FLOW.search(text)
    frequency = _FREQUENCY.search(text)
    return {
        "quantity": int(quantity.group("n")) or None if quantity else None,
        "flow_rate_lpm": float(flow.group("n")) or None if flow else None,
        "length_of_need_months": _months(text),
        "frequency": _spaced(frequency.group("f").strip()) if frequency else None,
        "serial_number": _serial(text),
    }


def _cell_frequency(cell: str, below: str) -> str | None:
    """A frequency cell, with its wrapped end ("with exertion" / "and sleep"), tidied."""
    if below[:1].islower():
        cell = f"{cell} {below}"
    known = _FREQUENCY.search(cell)
    text = known.group("f") if known else cell
    return _spaced(" ".join(text.split()).strip(" ,;|")) or None


def _spaced(frequency: str) -> str:
    """A number and its unit apart ("24hrs/day" as "24 hrs/day"), as orders mostly print."""
    return re.sub(r"([0-9])(?=(?:hrs?|hours)\b)", r"\1 ", frequency)


def _found(line: TextLine, item: Item) -> Found[Item]:
    return found_from_words(item, line.page, list(line.words))


def _code(text: str) -> str | None:
    token = text.split()[0] if text.split() else ""
    if not token or hcpcs.lookup(token) is not None:
        return token or None
    if (repaired := repair_hcpcs(token)) is not None:
        return repaired  # "F0431": an E that lost its bottom bar
    # Shaped like a code but in no table: kept as printed, for the rules to flag.
    return token if re.fullmatch(r"[A-Z][0-9]{4}", token) else None


def _int(text: str) -> int | None:
    match = re.search(r"[0-9]{1,3}", text)
    return int(match.group()) or None if match else None


def _float(text: str) -> float | None:
    match = re.search(r"[0-9]{1,2}(?:\.[0-9]{1,2})?", text)
    return float(match.group()) or None if match else None


def _in_range(months: int | None) -> int | None:
    return months if months is not None and 1 <= months <= 99 else None


def _months(text: str) -> int | None:
    # A "LON" label beats any other "n months" on the line ("1 per 3 months LON 12 months").
    labelled = [m for m in _LON.finditer(text) if m.group("a") or m.group("life")]
    match = labelled[0] if labelled else _LON.search(text)
    if match is None:
        return None
    if match.group("life"):
        return 99
    months = int(match.group("a") or match.group("b"))
    return months if 1 <= months <= 99 else None
