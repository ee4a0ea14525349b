"""The home infusion order: drug, dose, route, frequency, duration and vascular access.

Forms give each field a label, with the value beside it ("Route: IV") or under it in a
column ("Drug Dose" over "Cefazolin 2 g"); letters write it as one phrase ("Cefazolin 2 g IV
q8h for 6 weeks via PICC"). Labels and vocabularies are in ``data/infusion.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from extractors.codes import hcpcs
from extractors.extract.found import Found, found_from_words
from extractors.extract.phrases import Phrases
from extractors.extract.textlines import (
    TextLine,
    load_data,
    merge_found,
    page_lines,
    page_text,
    split_columns,
)
from extractors.pages import Page
from extractors.referral import Infusion

FIELDS = ("drug", "dose", "route", "frequency", "duration", "access")

_DOSE = re.compile(
    r"[0-9][0-9,.]*\s?(?:mg|g|gm|mcg|units?|mL|ml|mEq|L)(?:/(?:kg|min|hr|h|day|dose))*\b"
)
_FREQUENCY = (
    r"q\s?[0-9]{1,2}\s?h(?:rs?)?|every [0-9]{1,2} hours|(?:once |twice )?daily|BID|TID|QID"
    r"|continuous(?:ly)?|[0-9] times (?:weekly|a week|per week)|weekly|once"
)
_DURATION = re.compile(
    r"(?:for|x|X)\s*(?P<d>[0-9]{1,3}\s*(?:days?|weeks?|wks?|months?|doses?)|until\s+further\s+notice)"
)

#: In prose the access follows "via" ("... for 6 weeks via PICC"); a bare list of access
#: types is a row of checkboxes whose ticks the text does not carry.
_VIA = re.compile(r"\bvia\s+")


@dataclass(frozen=True)
class _Vocabulary:
    labels: dict[str, Phrases]
    access: Phrases
    route: re.Pattern[str]
    not_infused: frozenset[str]
    cues: Phrases
    phrase: re.Pattern[str]


@cache
def _vocabulary() -> _Vocabulary:
    data = load_data("infusion.toml")
    routes = "|".join(sorted(map(re.escape, data["routes"]), key=len, reverse=True))
    manners = "|".join(map(re.escape, data["route_manners"]))
    verbs = "|".join(map(re.escape, data["dosing_verbs"]))
    route = re.compile(rf"\b(?:{routes})(?:\s+(?:{manners}))?\b")
    # A drug's name: capitalised, or a lower-case word of prose; in either case no dosing
    # verb ("Sig: Infuse 1 g IV q24h" names its drug on the line above).
    name = rf"(?<![A-Za-z])(?!(?i:{verbs})\b)(?:[A-Z][a-z]+|[a-z]{{5,}})"
    # The dose may be given twice, the second in brackets: "5 mg/kg (400 mg) IV". A name on
    # the line over the dose is a column's head ("Sig  Qty  Refills" over "2g IV q24h").
    phrase = re.compile(
        rf"(?P<drug>{name}(?:[-/][A-Za-z]+)*(?:\s\([a-z ]+\))?)[ \t]+(?P<dose>{_DOSE.pattern})"
        rf"(?:\s+\([^()]{{1,20}}\))?\s+(?P<route>{route.pattern})(?:\s+(?P<frequency>{_FREQUENCY}))?"
    )
    return _Vocabulary(
        labels={field: Phrases(data["labels"][field]) for field in FIELDS},
        access=Phrases(data["access_types"]),
        route=route,
        not_infused=frozenset(r.lower() for r in data["not_infused"]),
        cues=Phrases(data["cues"]),
        phrase=phrase,
    )


def is_infused(infusion: Infusion) -> bool:
    """Whether the order's drug is given by an infusion route: not a discharge list's tablet
    ("Atorvastatin 40 mg PO") nor a shot."""
    vocab = _vocabulary()
    route = vocab.route.search(infusion.route or "")
    return route is not None and route.group().split()[0].lower() not in vocab.not_infused


def find_infusion(pages: Iterable[Page]) -> Found[Infusion] | None:
    """The infusion order on the first page that names a drug, or None."""
    for page in pages:
        fields = _labelled(page_lines(page))
        for field, value in _narrative(page).items():
            fields.setdefault(field, value)
        if "drug" in fields:
            parts = [fields[f] for f in FIELDS if f in fields]
            infusion = Infusion(**{f: fields[f].value for f in FIELDS if f in fields})
            return merge_found(parts, infusion)
    return None


def _labelled(lines: Sequence[TextLine]) -> dict[str, Found[str]]:
    vocab = _vocabulary()
    fields: dict[str, Found[str]] = {}
    for index, line in enumerate(lines):
        marks = _marks(line)
        if not marks:
            continue
        header = _only_labels(line, marks)
        for number, (field, _, end) in enumerate(marks):
            if header and index + 1 < len(lines):
                heads = [(f, line.words_in(s, e)[0].bbox[0]) for f, s, e in marks]
                words = [
                    word
                    for row in _rows_under(lines, index)
                    for word in split_columns(heads, row)[field]
                ]
                text = " ".join(w.text for w in words)
                page = line.page
                value = _clean(field, text, vocab)
                if value and field not in fields:
                    fields[field] = found_from_words(value, page, words)
                continue
            if line.text[end : end + 2].strip()[:1] != ":":
                continue
            stop = marks[number + 1][1] if number + 1 < len(marks) else len(line.text)
            text = line.text[end:stop].lstrip(" :")
            value = _clean(field, text, vocab)
            if value and field not in fields:
                fields[field] = line.found(value, end, stop)
            if field == "drug" and (dosing := split_dose(text)[1]) is not None:
                # "Drug: Immune globulin J1561, 2 g/kg = 140 g IV over 2 days": the drug's
                # caption heads its dose and route too, when no caption of theirs does.
                for part in ("dose", "route"):
                    if (read := _clean(part, dosing, vocab)) is not None:
                        fields.setdefault(part, line.found(read, end, stop))
    return fields


def _rows_under(lines: Sequence[TextLine], header: int) -> list[TextLine]:
    """The row under a column header, with the lines its wrapped cells run on to."""
    rows = [lines[header + 1]]
    if ":" in rows[0].text and _marks(rows[0]):
        return []  # the row was lost; the line below is the next labelled field
    for line in lines[header + 2 :]:
        previous = rows[-1]
        gap = line.words[0].bbox[1] - previous.words[0].bbox[3]
        height = previous.words[0].bbox[3] - previous.words[0].bbox[1]
        if gap > 0.5 * height or ":" in line.text or _marks(line):
            break
        rows.append(line)
    return rows


def _marks(line: TextLine) -> list[tuple[str, int, int]]:
    vocab = _vocabulary()
    marks = [
        (field, m.start(), m.end())
        for field, pattern in vocab.labels.items()
        for m in pattern.finditer(line.text)
    ]
    return sorted(marks, key=lambda mark: mark[1])


def _only_labels(line: TextLine, marks: list[tuple[str, int, int]]) -> bool:
    """A column header: the line is labels and nothing else ("Drug Dose")."""
    rest = line.text
    for _, start, end in reversed(marks):
        rest = rest[:start] + rest[end:]
    # Table borders OCR reads as brackets or dashes are no words: "Medication [Dose [Route".
    return len(marks) >= 2 and not re.search(r"[A-Za-z0-9]", rest)


def _clean(field: str, text: str, vocab: _Vocabulary) -> str | None:
    text = " ".join(text.split()).strip(" ,;")
    if not text:
        return None
    if field == "dose":
        dose = _DOSE.search(text)
        return dose.group() if dose else None
    if field == "route":
        route = vocab.route.search(text)
        return route.group() if route else None
    if field == "access":
        # A row of checkbox options names several; only one named alone is an answer.
        kinds = {m.group().lower() for m in vocab.access.finditer(text)}
        return vocab.access.finditer(text)[0].group() if len(kinds) == 1 else None
    if field == "duration":
        return re.sub(r"^(?:x|for)\s*", "", text, flags=re.IGNORECASE) or None
    if field == "drug":
        # The drug's code printed after its name ("Immune globulin (Gamunex-C) J1561") is
        # the item's, not the name's.
        words = (split_dose(text)[0] or "").split()
        if len(words) > 1 and hcpcs.lookup(words[-1].rstrip(",;")) is not None:
            words.pop()
        return " ".join(words) or None
    return text


def split_dose(text: str) -> tuple[str | None, str | None]:
    """A drug's name and its dosing, which starts at the dose: "Daptomycin 500 mg IV every
    24 hours" is ("Daptomycin", "500 mg IV every 24 hours"); a text with no dose is all
    name."""
    dose = _DOSE.search(text)
    if dose is None:
        return text.strip(" ,;") or None, None
    return text[: dose.start()].strip(" ,;") or None, text[dose.start() :].strip(" ,;-")


def _narrative(page: Page) -> dict[str, Found[str]]:
    """Fields from a phrase like "Cefazolin 2 g IV q8h for 6 weeks via PICC"."""
    vocab = _vocabulary()
    text = page_text(page)
    if text is None or vocab.cues.search(text.text) is None:
        return {}
    match = vocab.phrase.search(text.text)
    if match is None:
        return {}
    fields = {
        name: text.found(" ".join(value.split()), match.start(name), match.end(name))
        for name, value in match.groupdict().items()
        if value
    }
    sentence_end = text.text.find(".", match.end())
    rest_end = len(text.text) if sentence_end < 0 else sentence_end
    duration = _DURATION.search(text.text, match.end(), rest_end)
    if duration:
        fields["duration"] = text.found(
            " ".join(duration.group("d").split()), duration.start("d"), duration.end("d")
        )
    via = _VIA.search(text.text, match.end(), rest_end + 1)
    access = vocab.access.match(text.text, via.end()) if via else None
    if access:
        fields["access"] = text.found(access.group(), access.start(), access.end())
    return fields
