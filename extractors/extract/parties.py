"""Who the order is for, who wrote it, who pays, and its dates: the "parties" fields.

Labelled values (``labels``) come first, sentences in letters (``narrative``) second. A
fax cover sheet gives nothing (it names sender and recipient, not the patient's record),
nor does the fax machine's header line (its date is the transmission date).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from extractors.extract.cover import is_cover_sheet, is_fax_header_line
from extractors.extract.found import Found, found_from_words
from extractors.extract.labels import Candidate, all_candidates, vocabulary
from extractors.extract.narrative import find_mentions
from extractors.normalize import (
    DateRole,
    find_dates,
    find_phones,
    parse_address,
    parse_date,
    parse_phone,
    split_person_name,
)
from extractors.normalize.names import PersonName
from extractors.pages import Page, Word


@dataclass(frozen=True)
class FoundDate(Found[date]):
    """A date with its plausibility for its role, so rules can flag ``date_implausible``."""

    plausible: bool = True
    reason: str | None = None


DATE_ROLES: dict[str, DateRole] = {
    "member.dob": "dob",
    "dates.order": "order",
    "dates.service_start": "service",
    "dates.discharge": "discharge",
    "dates.signature": "signature",
    "dates.face_to_face": "face_to_face",
}
_SEX = {"m": "M", "male": "M", "f": "F", "female": "F", "u": "U", "unknown": "U"}
_NAME_TOKEN = re.compile(r"^[A-Za-z][A-Za-z'.\-]*,?$")
_ID_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]{3,}[A-Za-z0-9]$")
_NPI = re.compile(r"(?<!\d)\d{10}(?!\d)")

Read = Callable[[str, date], Any]


@dataclass(frozen=True)
class _Source:
    text: str
    words: list[Word]
    page: Page


def _name(text: str) -> PersonName | None:
    """A person's name, refusing text that holds label words or is not name-shaped."""
    tokens = text.replace(",", ", ").split()
    specs = vocabulary().specs
    if not 2 <= len(tokens) <= 6 or not all(_NAME_TOKEN.match(t) for t in tokens):
        return None
    if not tokens[0][:1].isupper() or any(t.strip(",.:").lower() in specs for t in tokens):
        return None
    parsed = split_person_name(text)
    return parsed if parsed is not None and parsed.first and parsed.last else None


def _date_reader(role: DateRole) -> Read:
    def read(text: str, reference: date) -> Any:
        spans = find_dates(text)
        return parse_date(spans[0][2], role, reference) if spans else None

    return read


def _phone(text: str, _reference: date) -> str | None:
    spans = find_phones(text)
    return parse_phone(spans[0][2]) if spans else None


def _sex(text: str, _reference: date) -> str | None:
    first = text.split()[0].strip(".,:;()").lower() if text.split() else ""
    return _SEX.get(first)


def _identifier(text: str, _reference: date) -> str | None:
    token = text.split()[0].strip("#:;,.") if text.split() else ""
    return token if _ID_TOKEN.match(token) and any(c.isdigit() for c in token) else None


def _npi(text: str, _reference: date) -> str | None:
    match = _NPI.search(re.sub(r"(?<=\d)[ \-](?=\d)", "", text))
    return match.group() if match else None


def _free_text(text: str, _reference: date) -> str | None:
    value = text.strip(" ,;:.-")
    return value if value and any(c.isalpha() for c in value) and len(value) <= 80 else None


def _address(text: str, _reference: date) -> dict[str, str | None] | None:
    parsed = parse_address(text)
    if parsed is None:
        return None
    return {
        "line1": parsed.line1,
        "line2": parsed.line2,
        "city": parsed.city,
        "state": parsed.state,
        "postal_code": parsed.postal_code,
    }


def _payer(text: str, reference: date) -> str | None:
    # "Anthem Blue Cross, group 744-16552": the plan's name ends at the comma.
    return _free_text(text.split(",")[0], reference)


READERS: dict[str, Read] = {
    **{path: _date_reader(role) for path, role in DATE_ROLES.items()},
    "member.sex": _sex,
    "member.member_id": _identifier,
    "member.phone": _phone,
    "member.address": _address,
    "payer.name": _payer,
    "payer.group_number": _identifier,
    "clinician.npi": _npi,
    "clinician.phone": _phone,
    "clinician.fax": _phone,
    "clinician.organization": _free_text,
}


def _label_sources(candidate: Candidate, path: str) -> Iterable[_Source]:
    page = candidate.page
    if path == "member.address":
        # Every run of one to three lines, so "Name and Address" boxes yield their address.
        lines = candidate.lines
        for start in range(len(lines)):
            for stop in range(min(len(lines), start + 3), start, -1):
                words = [w for line in lines[start:stop] for w in line]
                yield _Source("\n".join(_text(line) for line in lines[start:stop]), words, page)
        return
    first = candidate.lines[0]
    yield _Source(_text(first), first, page)


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def _first(sources: Iterable[_Source], read: Read, reference: date) -> tuple[Any, _Source] | None:
    for source in sources:
        value = read(source.text, reference)
        if value is not None and source.words:
            return value, source
    return None


def _found(path: str, value: Any, source: _Source) -> Found[Any]:
    base = found_from_words(value, source.page, source.words)
    if path in DATE_ROLES:
        return FoundDate(
            value.date,
            base.page,
            base.bbox,
            base.confidence,
            base.text,
            value.plausible,
            value.reason,
        )
    return base


class _Document:
    """The candidates of one document, with cover sheets and fax header lines left out."""

    def __init__(self, pages: Sequence[Page]) -> None:
        kept = [p for p in pages if not is_cover_sheet(p)]
        skip = {
            p.number: {i for i, ln in enumerate(p.lines) if is_fax_header_line(p, ln)} for p in kept
        }
        self.candidates = [
            c
            for c in all_candidates(kept)
            if not any(w.line in skip[c.page.number] for w in c.words)
        ]
        self.mentions = find_mentions(kept, skip)

    def labelled(self, *paths: str) -> Iterable[Candidate]:
        return (c for c in self.candidates if c.path in paths)

    def mentioned(self, *paths: str) -> Iterable[_Source]:
        return (_Source(m.text, m.words, m.page) for m in self.mentions if m.path in paths)


def _names(doc: _Document, out: dict[str, Found[Any]]) -> None:
    member_sources = [s for c in doc.labelled("member.name") for s in _label_sources(c, "")]
    member_sources += list(doc.mentioned("member.name", "member.sex.M", "member.sex.F"))
    clinician_sources = [s for c in doc.labelled("clinician.name") for s in _label_sources(c, "")]
    clinician_sources += list(doc.mentioned("clinician.name"))
    for party, sources in (("member", member_sources), ("clinician", clinician_sources)):
        hit = _first(sources, lambda text, _ref: _name(text), date.min)
        if hit is None:
            continue
        name, source = hit
        out[f"{party}.first_name"] = found_from_words(name.first, source.page, source.words)
        out[f"{party}.last_name"] = found_from_words(name.last, source.page, source.words)
        if party == "clinician" and name.credentials:
            out["clinician.credentials"] = found_from_words(
                ", ".join(name.credentials), source.page, source.words
            )
    # Separate "First Name" / "Last Name" boxes beat a name split from one line.
    for part in ("first_name", "last_name"):
        hit = _first(
            (s for c in doc.labelled(f"member.{part}") for s in _label_sources(c, "")),
            _free_text,
            date.min,
        )
        if hit is not None:
            out[f"member.{part}"] = found_from_words(hit[0].split()[0], hit[1].page, hit[1].words)
    if "member.sex" not in out:
        for mention in doc.mentions:
            if mention.path.startswith("member.sex.") and mention.words:
                out["member.sex"] = found_from_words(mention.path[-1], mention.page, mention.words)
                break


def _dates_from_bare_labels(doc: _Document, out: dict[str, Found[Any]], reference: date) -> None:
    # A bare "Date" is the signature date on a signature line, else the order's date.
    for near, path in ((True, "dates.signature"), (False, "dates.order")):
        if path in out:
            continue
        sources = (
            s
            for c in doc.labelled("any.date")
            if c.near_signature == near
            for s in _label_sources(c, path)
        )
        hit = _first(sources, READERS[path], reference)
        if hit is not None:
            out[path] = _found(path, *hit)


def extract_parties(pages: Sequence[Page], reference: date) -> dict[str, Found[Any]]:
    """The member, payer, clinician and date fields, keyed by contract path.

    ``reference`` is the day the fax was received: two-digit years and plausibility are
    judged against it. A path the document does not give is absent from the result.
    """
    doc = _Document(pages)
    out: dict[str, Found[Any]] = {}
    _names(doc, out)
    for path, read in READERS.items():
        if path in out:
            continue
        sources = [s for c in doc.labelled(path) for s in _label_sources(c, path)]
        hit = _first([*sources, *doc.mentioned(path)], read, reference)
        if hit is not None:
            out[path] = _found(path, *hit)
    _dates_from_bare_labels(doc, out, reference)
    return out
