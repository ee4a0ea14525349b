"""Equipment and supplies ordered: description, HCPCS, quantity, frequency, oxygen flow,
length of need and brand/model.

Two shapes are read. A table under a column header ("HCPCS Description Qty LON") is split
by the x position of its heads. Any other line that prints an E/K/A/B code, or names a
piece of equipment from the lexicon with a quantity, is read as one item by patterns.
The HCPCS code is only ever the printed one (checked against the table by the rules).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from extractors.codes.repair import repair_hcpcs
from extractors.extract.found import Found, found_from_words
from extractors.extract.textlines import (
    TextLine,
    join_lines,
    load_data,
    page_lines,
    split_columns,
    terms_pattern,
)
from extractors.pages import Page, Word
from extractors.referral import Item

#: Equipment and supply codes: DME (E, K), supplies (A), enteral/parenteral (B).
_ITEM_CODE = re.compile(r"(?<![A-Za-z0-9])(?P<code>[EKAB][0-9]{4})(?![A-Za-z0-9])")
_QUANTITY = re.compile(
    r"(?:\b(?:qty|quantity|dispense|units?)\b[:.\s#]*|(?<![A-Za-z0-9])[x#]\s?)(?P<n>[0-9]{1,3})\b",
    re.IGNORECASE,
)
_FLOW = re.compile(
    r"(?P<n>[0-9]{1,2}(?:\.[0-9]{1,2})?)\s?(?:LPM|lpm|L/min|l/min|L\s?per\s?min\w*|liters?(?:\s?per\s?minute|/min)?)",
)
_LON = re.compile(
    r"(?:\b(?:LON|length\s+of\s+need)\b[:\s]*(?P<a>[0-9]{1,2})"
    r"|(?P<b>[0-9]{1,2})\s?(?:months?|mos?\.?)\b(?:\s*\(lifetime\))?"
    r"|\b(?P<life>lifetime)\b)",
    re.IGNORECASE,
)
_FREQUENCY = re.compile(
    r"(?P<f>[0-9]{1,2}\s?(?:hrs?|hours)\s?(?:/|per\s)\s?day|continuous(?:ly)?|nightly|at night"
    r"|with exertion(?: and sleep)?|during sleep|as needed|PRN|monthly|weekly"
    r"|[0-9]+ per [0-9]+ (?:days|weeks|months)|[a-z ]*(?:once|twice|[0-9] times) daily)",
    re.IGNORECASE,
)
_MARKER = re.compile(r"^\s*(?:[0-9]{1,2}[.)]|[-*\u2022])\s*")
#: Joins between a description and the code printed with it: " - HCPCS", ", HCPCS", "(".
_CODE_LEAD = re.compile(r"[\s,(\[\-]*(?:HCPCS)?[\s:(\[]*$", re.IGNORECASE)
#: Cues that a line orders the equipment it names (not a note that the patient "uses a walker").
_ORDER_CUE = re.compile(
    r"\b(?:provide|order(?:ed)?|dispense|deliver|arrange|rx|needs?|requires?|prescribe[ds]?|qty|quantity)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Lexicon:
    names: re.Pattern[str]
    columns: dict[str, re.Pattern[str]]


@cache
def _lexicon() -> _Lexicon:
    data = load_data("equipment.toml")
    names = [name for entry in data["item"] for name in entry["names"]]
    columns = {field: terms_pattern(heads) for field, heads in data["columns"].items()}
    return _Lexicon(terms_pattern(names), columns)


def find_items(pages: Iterable[Page]) -> list[Found[Item]]:
    """Items ordered, in page order; an item printed twice (form and table) is kept once."""
    found: list[Found[Item]] = []
    seen: set[str] = set()
    last_heads: list[tuple[str, float]] = []
    for page in pages:
        lines = page_lines(page)
        used: set[int] = set()
        for index, line in enumerate(lines):
            heads = _table_heads(line)
            if not heads and last_heads and index < 3 and _is_row(line):
                # A table that runs over a page break goes on with the previous page's heads.
                heads, index = last_heads, index - 1
            if heads:
                last_heads = heads
                for row_index, row in _table_rows(lines, index):
                    used.add(row_index)
                    _keep(found, seen, _table_item(heads, row))
        for line in _logical_lines([ln for i, ln in enumerate(lines) if i not in used]):
            if _table_heads(line):
                continue
            for segment in _segments(line):
                _keep(found, seen, _line_item(segment, None))
    return found


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
    if _MARKER.match(following) or (_ITEM_CODE.match(following) and not text.endswith("HCPCS")):
        return False
    head = following[:1]
    return head.islower() or (
        (head.isdigit() or head == "(" or _ITEM_CODE.match(following) is not None)
        and not text.rstrip().endswith((".", ":"))
    )


def _segments(line: TextLine) -> list[TextLine]:
    """A line cut at semicolons: letters list several items in one sentence."""
    pieces: list[TextLine] = []
    at = 0
    for part in line.text.split(";"):
        words = line.words_in(at, at + len(part))
        if words and part.strip():
            pieces.append(
                TextLine(
                    line.page,
                    tuple(words),
                    " ".join(w.text for w in words),
                    tuple(_offsets(words)),
                )
            )
        at += len(part) + 1
    return pieces


def _offsets(words: Sequence[Word]) -> list[int]:
    starts: list[int] = []
    at = 0
    for word in words:
        starts.append(at)
        at += len(word.text) + 1
    return starts


def _keep(found: list[Found[Item]], seen: set[str], item: Found[Item] | None) -> None:
    if item is None:
        return
    key = item.value.hcpcs or (item.value.description or "").lower()
    if key not in seen:
        seen.add(key)
        found.append(item)


def _table_heads(line: TextLine) -> list[tuple[str, float]]:
    """(field, left edge) of each column head when the line is an equipment table header."""
    if _ITEM_CODE.search(line.text):
        return []
    lexicon = _lexicon()
    heads: list[tuple[str, int, int]] = []
    for field, pattern in lexicon.columns.items():
        heads += [(field, m.start(), m.end()) for m in pattern.finditer(line.text)]
    heads.sort(key=lambda head: (head[1], head[1] - head[2]))
    kept: list[tuple[str, float]] = []
    last_end = -1
    fields: set[str] = set()
    for field, start, end in heads:
        if start < last_end or field in fields:
            continue
        words = line.words_in(start, end)
        kept.append((field, words[0].bbox[0]))
        fields.add(field)
        last_end = end
    has_item_head = "hcpcs" in fields or "description" in fields
    return kept if has_item_head and len(kept) >= 3 else []


def _is_row(line: TextLine) -> bool:
    return _ITEM_CODE.match(_MARKER.sub("", line.text)) is not None


def _table_rows(lines: Sequence[TextLine], header: int) -> Iterable[tuple[int, TextLine]]:
    for index in range(header + 1, min(header + 12, len(lines))):
        line = lines[index]
        if _is_row(line) or _lexicon().names.search(line.text):
            yield index, line
        elif line.text.startswith("(") and index == header + 1:
            continue  # units under the heads: "(LPM) (mo)"
        elif ":" not in line.text and index + 1 < len(lines) and _is_row(lines[index + 1]):
            continue  # the wrapped end of a long description, with a row after it
        else:
            return


def _table_item(heads: list[tuple[str, float]], row: TextLine) -> Found[Item] | None:
    cells = split_columns(heads, row)
    text = {field: " ".join(w.text for w in words) for field, words in cells.items()}
    code_text = text.get("hcpcs", "")
    code = _code(code_text) if code_text else None
    description = text.get("description") or None
    if code is None and "hcpcs" not in text:
        # No code column: a code may lead the description cell.
        lead = _ITEM_CODE.match(description or "")
        if lead:
            code = lead.group("code")
            description = description[lead.end() :].strip(" -") if description else None
    item = Item(
        description=description,
        hcpcs=code,
        quantity=_int(text.get("quantity", "")),
        frequency=text.get("frequency") or None,
        flow_rate_lpm=_float(text.get("flow", "")),
        length_of_need_months=_months(text.get("lon", "")) or _in_range(_int(text.get("lon", ""))),
        brand_model=text.get("brand_model") or None,
    )
    if item.description is None and item.hcpcs is None:
        return None
    words: list[Word] = [w for ws in cells.values() for w in ws]
    return found_from_words(item, row.page, words)


def _line_item(line: TextLine, following: TextLine | None) -> Found[Item] | None:
    text = line.text
    code_match = _ITEM_CODE.search(text)
    name = _lexicon().names.search(text)
    if code_match is None:
        if name is None or not (_ORDER_CUE.search(text) or _listed_alone(text, name)):
            return None
        return _found(line, Item(description=name.group(), **_details(text[name.end() :])))
    before = _MARKER.sub("", text[: code_match.start()])
    if not _looks_like_item_code(text, code_match, name):
        return None
    description = _CODE_LEAD.sub("", before).strip(" ,-") or None
    if name is not None and description and len(description) > len(name.group()) + 40:
        description = text[name.start() : code_match.start()]
        description = _CODE_LEAD.sub("", description).strip(" ,-")
    after = text[code_match.end() :]
    if (
        following is not None
        and re.fullmatch(r"[0-9]{1,3}\b.*", following.text)
        and re.search(r"\bqty\s*$", after, re.IGNORECASE)
    ):
        after = f"{after} {following.text}"  # "Qty" at the end of a line, its number below
    details = _details(after)
    brand = re.match(r"[\s)\]]*-\s*(?P<b>[A-Z][^,;]*?)\s*(?=\bqty\b|$)", after, re.IGNORECASE)
    if brand and not details.get("brand_model"):
        details["brand_model"] = brand.group("b").strip() or None
    item = Item(description=description, hcpcs=code_match.group("code"), **details)
    return _found(line, item)


def _listed_alone(text: str, name: re.Match[str]) -> bool:
    """A list entry that is only an equipment name: "1. Shower chair"."""
    marker = _MARKER.match(text)
    return marker is not None and not text[marker.end() :].replace(name.group(), "").strip(" .,")


def _looks_like_item_code(text: str, code: re.Match[str], name: re.Match[str] | None) -> bool:
    """A code printed as an equipment line's code, not under a "HCPCS:" procedure label."""
    before = text[: code.start()]
    if re.search(
        r"\b(?:hcpcs|cpt|codes?)\s*(?:\(s\))?\s*:\s*(?:[A-Z0-9]{5}\s*[;,]?\s*)*$", before, re.I
    ):
        return False
    labelled = re.search(r"(?:HCPCS\s*[:#]?\s*|[(\[])$", before, re.IGNORECASE) is not None
    leads = not _MARKER.sub("", before).strip()
    return labelled or (leads and name is not None) or name is not None


def _details(text: str) -> dict[str, object]:
    quantity = _QUANTITY.search(text)
    flow = _FLOW.search(text)
    frequency = _FREQUENCY.search(text)
    return {
        "quantity": int(quantity.group("n")) or None if quantity else None,
        "flow_rate_lpm": float(flow.group("n")) or None if flow else None,
        "length_of_need_months": _months(text),
        "frequency": frequency.group("f").strip() if frequency else None,
    }


def _found(line: TextLine, item: Item) -> Found[Item]:
    return found_from_words(item, line.page, list(line.words))


def _code(text: str) -> str | None:
    token = text.split()[0] if text.split() else ""
    if _ITEM_CODE.fullmatch(token) or re.fullmatch(r"[A-Z][0-9]{4}", token):
        return token
    return repair_hcpcs(token) if token else None


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
