"""Diagnosis (ICD-10-CM) and procedure (HCPCS, CPT) codes printed on an order.

Precision comes first: a wrong code on a claim is worse than a missing one. So a code is only
taken where its kind is clear from the page, either by its form (a dotted ICD code) or by a
label or section (Dx, ICD-10, HCPCS, CPT). Repairs of OCR confusions go through
``extractors.codes.repair``, which only ever answers with a code that exists.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from extractors.codes import hcpcs, icd10
from extractors.codes.cpt import is_cpt_format
from extractors.codes.repair import (
    agreeing_code,
    described,
    described_child,
    described_hcpcs,
    description_share,
    near_codes,
    repair_hcpcs,
    repair_icd10,
)
from extractors.extract.found import Found
from extractors.extract.phrases import Phrases
from extractors.extract.textlines import TextLine, all_lines, level_with, load_data
from extractors.pages import Page
from extractors.referral import Diagnosis, Procedure

Context = Literal["dx", "proc", "cpt", "items", "other"]

#: Pieces of a line that can hold a code; separators a code never contains split them.
_TOKEN = re.compile(r"[^\s:;()]+")
#: A dotted ICD-10-CM code as printed: its form alone says what it is.
_DOTTED = re.compile(r"[A-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}")
_UNDOTTED = re.compile(r"[A-Z][0-9][0-9A-Z]{1,5}")
_HCPCS = re.compile(r"[A-Z][0-9]{4}")
#: OCR damage that repair may undo: brackets, pipes, lookalike letters, a comma for the dot.
_NOISY = re.compile(r"[A-Za-z\]\[|}$£€][\]\[|]?[0-9A-Za-z\]\[|,.]{2,8}")
#: What may stand before a code that opens a row of a section, or between two codes of one
#: row: marks, a list number or box letter ("1.", "2 |", "B."), then a field label ending in
#: a colon ("Primary:", "Secondary;").
_ROW_LEAD = re.compile(
    r"[\W_]*(?:(?:[0-9]{1,2}|[A-Za-z])(?![A-Za-z0-9])[\W_]*)?(?:[A-Za-z][A-Za-z ]{0,24}[:;][\W_]*)?"
)
#: Two capitals before a number: a state before a ZIP code.
_STATE = re.compile(r"[A-Z]{2},?")
_COLON_AFTER = re.compile(r"(?:\(s\))?\s?[:#]")
#: What may stand just before a code in a list: a label's colon or a list separator.
_LIST_OPEN = re.compile(r"[:;,]\s*$")
#: A code whose leading letter OCR read as a lookalike digit ("110", "150.22").
_DIGIT_FIRST = re.compile(r"[01235678][0-9][0-9A-Z](?:[.,][0-9A-Z]{1,4})?")
_SPLIT_TAIL = re.compile(r"[0-9OIl][0-9A-Z]\.?[0-9A-Z]{0,4}")
#: A dotted code broken after its dot ("J84. 10"): the head, then the rest.
#: The head may carry OCR's digit for its letter ("150. 32" is I50.32): the tail is read
#: with it, so the head alone is never taken for a category code.
_DOT_HEAD = re.compile(r"[A-Z0-9$\u00a3\u20ac\]}|][0-9OIl][0-9A-Z]\.")
_DOT_TAIL = re.compile(r"[0-9A-Z]{1,4}")
#: Quotes and specks OCR sets before or after a word.
_SPECKS = ".,-'\"`\u2018\u2019\u201c\u201d\u00b0*~_="
#: A list of codes in prose opens and closes with brackets: "(169.351, M62.81)".
_BRACKETS = "()[]"
#: Two marks after a code's three characters ("j44..", "J44.,"): the dot promised more
#: characters and OCR lost them, so the category alone is not what the page printed.
_LOST_TAIL = re.compile(r"[A-Za-z0-9\]|$][0-9OIl][0-9A-Za-z][.,]{2,}")
#: Description words the text after a code must print to vouch for it ("110 Essential
#: (primary) hypertension"); fewer when the code's description has fewer.
_DESCRIBED_WORDS = 2
#: ...and at least this share of its description's words: "Type 2 diabetes mellitus with
#: foot ulcer" vouches for E11.621, not for every code that names diabetes.
_DESCRIBED_SHARE = 0.6
#: A piece that may be a damaged code: letters, digits, a dot or comma, and the marks OCR
#: reads for a code's letter ("&11.621", "[50.2", "€18.9"), with two digits at least.
_CODE_LIKE = re.compile(r"(?=(?:\D*\d){2})[A-Za-z0-9\[\]|}{&$£€.,]{2,9}")


@dataclass(frozen=True)
class _Labels:
    by_kind: dict[Context, Phrases]
    colon_required: frozenset[str]
    cpt_only: frozenset[str]
    #: Words that name no kind of their own right after a label that does ("ICD-10 CODES").
    generic: frozenset[str]


@cache
def _labels() -> _Labels:
    data = load_data("code_context.toml")
    kinds: tuple[Context, ...] = ("dx", "proc", "cpt", "items", "other")
    return _Labels(
        {kind: Phrases(data[kind]) for kind in kinds},
        frozenset(data["colon_required"]),
        frozenset(data["cpt_only"]),
        frozenset(data["generic"]),
    )


@dataclass(frozen=True)
class _Candidate:
    line: TextLine
    token: str
    start: int
    end: int
    context: Context
    #: Under a label on the same line, or opening a row (or a box of one) in a section.
    anchored: bool
    #: Under a label on the same line.
    labelled: bool
    #: Opening the next entry of a row after a dotted code ("A. E11.22 B. 110").
    listed: bool
    previous: str


def find_diagnoses(pages: Iterable[Page]) -> list[Found[Diagnosis]]:
    """ICD-10-CM codes on the pages, each once, in page order, with the code set's description.

    Header (non-billable) codes and well-shaped dotted codes missing from the code set are kept
    so the rules can flag them; nothing is returned that is not printed on the page.
    """
    found: dict[str, Found[Diagnosis]] = {}
    for cand in _candidates(pages):
        code = _icd_code(cand)
        if code is None or code in found:
            continue
        entry = icd10.lookup(code)
        if entry is not None and not entry.billable and len(entry.code) > _CATEGORY_CHARS:
            # A subcategory whose description goes on in one child's words lost its last
            # character; the clerk is told it was read so (code_repaired).
            child = described_child(entry.code, cand.line.text[cand.end :])
            code, entry = (child, icd10.lookup(child)) if child else (code, entry)
            if code in found:
                continue
        # A code the words beside it describe is the code printed, however damaged.
        vouched = _vouched(code, cand.line.text[cand.end :]) > 0
        if entry is not None and not vouched and _misread_category(cand.token, entry):
            continue
        if entry is not None and not vouched and _cut_short(cand.token, entry):
            # Kept without a code: the rules flag it, and the clerk reads it off the page.
            diagnosis = Diagnosis(code=None, description=cand.token)
        else:
            diagnosis = Diagnosis(code=code, description=entry.description if entry else None)
        found[code] = cand.line.found(diagnosis, cand.start, cand.end)
    return list(found.values())


#: A category's characters ("J44"): a header code orders print with its title.
_CATEGORY_CHARS = 3


def _cut_short(printed: str, entry: icd10.IcdCode) -> bool:
    """A damaged reading that repairs only to a code still short of its billable characters.

    "$72,001)" repairs to S72.001, which needs a seventh character: the page printed one that
    OCR lost (S72.001D), so the repaired code would be a different code than the page's.
    A category of three characters is left alone: orders print those as header codes.
    """
    return _damaged(printed, entry) and not entry.billable and len(entry.code) > _CATEGORY_CHARS


def _misread_category(printed: str, entry: icd10.IcdCode) -> bool:
    """A damaged reading that repairs to a header code: "}10" is I10 misread more often than
    the category J10 a doctor wrote, so it is no reading at all."""
    return _damaged(printed, entry) and not entry.billable and len(entry.code) == _CATEGORY_CHARS


def _damaged(printed: str, entry: icd10.IcdCode) -> bool:
    return re.sub(r"[^0-9A-Z]", "", printed.upper()) != entry.code.replace(".", "")


def find_procedures(pages: Iterable[Page]) -> list[Found[Procedure]]:
    """HCPCS and CPT codes listed as procedure or billing codes (not equipment table rows)."""
    pages = list(pages)
    printed = hcpcs.codes_printed(line.text for line in all_lines(pages))
    found: dict[str, Found[Procedure]] = {}
    for cand in _candidates(pages):
        labelled = cand.context in ("proc", "cpt")
        procedure = _procedure(cand) if labelled else _service_code(cand)
        if procedure is not None and procedure.system == "HCPCS":
            procedure = _agreed(procedure, printed)
        if procedure is None or procedure.code in found:
            continue
        found[procedure.code] = cand.line.found(procedure, cand.start, cand.end)
    return list(found.values())


def _pieces(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) with edge punctuation off, "J 44.1" joined into one piece."""
    out: list[tuple[str, int, int]] = []
    for match in _TOKEN.finditer(text):
        token = match.group().strip(_SPECKS)
        if not token or _LOST_TAIL.fullmatch(match.group().lstrip(_SPECKS)):
            continue
        start = match.start() + match.group().find(token)
        end = start + len(token)
        if (
            out
            and len(out[-1][0]) == 1
            and out[-1][0].isupper()
            and text[out[-1][1] + 1 : start].isspace()
            and _SPLIT_TAIL.fullmatch(token)
        ):
            # A stray space after the letter: "J 44.1" (not a box letter: "B. I10").
            letter, at, _ = out.pop()
            out.append((letter + token, at, end))
            continue
        if out and _DOT_HEAD.fullmatch(out[-1][0] + ".") and _DOT_TAIL.fullmatch(token):
            head, at, head_end = out[-1]
            # A stray space beside the dot: "J84. 10", "G47 .33" (the dot went with the edge
            # punctuation); the dot read as a colon: "J96:11" is one code, never the category
            # J96; or as a comma before a digit or two, in print damaged enough to lose the
            # letter too: "144, 1- COPD" is J44.1 (or I44.1), never the category J44.
            if (
                text[head_end : head_end + 2] in (". ", " .")
                or (text[head_end : head_end + 1] in ":;" and start == head_end + 1)
                or (
                    text[head_end : head_end + 2] == ", "
                    and head[0].isdigit()
                    and re.fullmatch(r"[0-9]{1,2}", token) is not None
                )
            ):
                out[-1] = (f"{head}.{token}", at, end)
                continue
        out.append((token, start, end))
    return out


def _candidates(pages: Iterable[Page]) -> Iterable[_Candidate]:
    """Every piece of every line with the kind of code expected there."""
    labels = _labels()
    for_page: int | None = None
    section: Context = "other"
    run = open_end = False
    for line in all_lines(pages):
        if line.page.number != for_page:
            for_page, section, run = line.page.number, "other", False
        pieces = _pieces(line.text)
        marks = _label_marks(line.text, labels)
        has_code = any(_looks_like_code(token) for token, _, _ in pieces)
        if run and not _continues(line.text, open_end):
            run = False
        if marks and not has_code:
            # A heading or table header: it sets the kind of the rows below it.
            section = _heading_kind(marks)
            run = False
        row_start, after_dotted = 0, False
        for index, (token, start, end) in enumerate(pieces):
            left = [kind for at, kind in marks if at < start]
            opens = _ROW_LEAD.fullmatch(line.text, row_start, start) is not None
            context = left[-1] if left else ("proc" if run else section)
            previous = pieces[index - 1][0] if index else ""
            yield _Candidate(
                line,
                token,
                start,
                end,
                context,
                anchored=opens or bool(left),
                labelled=bool(left),
                listed=opens and after_dotted,
                previous=previous,
            )
            if _looks_like_code(token) or _dotted_shape(token):
                row_start, after_dotted = end, _dotted_shape(token)
        if (any(kind in ("proc", "cpt") for _, kind in marks) and has_code) or run:
            # "Billing codes: J0295 ...; S9503 ...;" may go on over the next line.
            run = True
        open_end = line.text.rstrip().endswith((",", ";"))


def _continues(text: str, after_separator: bool) -> bool:
    """Whether a line carries on the list above: in lower case, or with a code after "x;"."""
    head = text.lstrip()[:1]
    return head.islower() or (after_separator and _looks_like_code(text.split(" ", 1)[0]))


def _label_marks(text: str, labels: _Labels) -> list[tuple[int, Context]]:
    """(offset, kind) of each label on the line, by position; a longer label wins a tie."""
    marks: list[tuple[int, int, Context]] = []
    for kind, pattern in labels.by_kind.items():
        for match in pattern.finditer(text):
            if kind in labels.colon_required and not _COLON_AFTER.match(text, match.end()):
                continue
            marks.append((match.start(), -len(match.group()), kind))
    marks.sort()
    out: list[tuple[int, Context]] = []
    last_end = -1
    for start, neg_len, kind in marks:
        if start < last_end:
            continue
        word = text[start : start - neg_len].lower()
        if out and word in labels.generic and not text[last_end:start].strip(" -"):
            last_end = start - neg_len  # "ICD-10 CODES": the label before names the kind
            continue
        out.append((start, kind))
        last_end = start - neg_len
    return out


def _heading_kind(marks: list[tuple[int, Context]]) -> Context:
    kinds = [kind for _, kind in marks]
    # "HCPCS Description Qty" heads an equipment table, not a list of procedure codes.
    if "items" in kinds or "proc" in kinds or "cpt" in kinds:
        return "items" if "dx" not in kinds else "dx"
    return kinds[0]


def _looks_like_code(token: str) -> bool:
    token = token.strip(".,-")
    return bool(
        _DOTTED.fullmatch(token) or _HCPCS.fullmatch(token) or _UNDOTTED.fullmatch(token)
    ) or (token.isdigit() and len(token) == 5)


def _icd_code(cand: _Candidate) -> str | None:
    token, context = cand.token, cand.context
    if _DOTTED.fullmatch(token):
        # A dotted code is ICD-10-CM by its form alone, whatever section it sits in.
        if icd10.lookup(token) is not None:
            return token
        repaired = repair_icd10(token, cand.line.text)
        if repaired is not None:
            return repaired
        # Well shaped but not in the code set: kept under a diagnosis label for icd10_unknown.
        return token if context == "dx" else None
    under_procedure_label = cand.labelled and context in ("proc", "cpt")
    if not under_procedure_label and (described_code := _described_code(cand)) is not None:
        return described_code
    strong_shape = _dotted_shape(token)
    if not under_procedure_label and _named_in_prose(cand):
        # "hypertension (I10)" or "for E66.2, I10, E66.01": written as a diagnosis.
        # A header code in prose is more often a billable code misread ("I10" read "T16")
        # than a doctor writing a category: only a billable one is taken there. In a list
        # of codes a number is a code whose letter OCR lost ("E66.01, 110"); in parentheses
        # it is as often an area code, unless the sentence names that code's diagnosis
        # ("essential hypertension (110)").
        reading = _billable_reading(token)
        if reading is not None and not _in_a_list(cand):
            reading = reading if described(reading, cand.line.text) >= _DESCRIBED_WORDS else None
        category = _category(token) or reading
        if category is not None and _billable(category):
            return category
        if _DIGIT_FIRST.fullmatch(token) and "." in token:
            # "heart failure (150.22)": the letter misread, the sentence names the diagnosis.
            repaired = repair_icd10(token, cand.line.text)
            if repaired is not None and (
                described(repaired, cand.line.text) >= _words_to_describe(repaired)
                or _between_codes(cand)
            ):
                return repaired
    if context in ("proc", "cpt"):
        return None
    if context != "dx":
        # Outside a diagnosis label only a dotted form is trusted, repaired if need be (an
        # item row's codes have no dot: "E0601" is no E06.01).
        return repair_icd10(token) if strong_shape and _NOISY.fullmatch(token) else None
    if not cand.anchored:
        return None
    if _UNDOTTED.fullmatch(token):
        # A category ("J44") is a header code; a label makes it a Dx, and so does a row of a
        # diagnosis section when it is billable: specks read "N88", a lost dot "J110" (the
        # description, read above, vouches for any other).
        code = _category(token) if len(token) == 3 else repair_icd10(token, cand.line.text)
        return code if code is not None and (cand.labelled or _billable(code)) else None
    if not (strong_shape or cand.labelled):
        # A bare number opening a row of the section is a house number or a count as often
        # as a code that lost its letter: only its description (read above) makes it one.
        return None
    if (_NOISY.fullmatch(token) or _DIGIT_FIRST.fullmatch(token)) and any(
        c.isdigit() for c in token
    ):
        # Under a Dx label OCR may turn the letter into a digit: "Diagnoses: 110" is I10.
        return repair_icd10(token, cand.line.text)
    return None


def _words_to_describe(code: str) -> int:
    """How many of its description's words a text must print to name a code: two, or all
    of a description of one telling word ("Gastrostomy status")."""
    entry = icd10.lookup(code)
    own = described(code, entry.description) if entry is not None else 0
    return min(_DESCRIBED_WORDS, own) or _DESCRIBED_WORDS


def _described_code(cand: _Candidate) -> str | None:
    """The code a piece reads as when the words after it describe that very code, in any
    section: "247.1 Aftercare following joint replacement surgery" is Z47.1, "C189
    Malignant neoplasm of colon" C18.9. The description settles what the print cannot:
    it may even choose a code a lost or misread letter or digit away from the print
    ("89.153 Pressure ulcer of sacral region" is L89.153), when it describes that code
    alone and most of its description is printed."""
    token = cand.token
    if not _CODE_LIKE.fullmatch(token):
        return None
    text = cand.line.text
    bracketed = text[cand.start - 1 : cand.start] == "(" and text[cand.end : cand.end + 1] == ")"
    # "defibrillator, 795.810. Most recent": a list of diagnoses each named before its code.
    named_before = text[: cand.start].rstrip().endswith(",") and not any(
        c.isalpha() for c in _CLAUSE_END.split(text[cand.end :])[0]
    )
    if bracketed or named_before:
        # In a sentence the words before the bracket or the comma name it: "paroxysmal
        # atrial fibrillation (48.0)", the clause back to the last bracket or sentence's end.
        after = _CLAUSE_START.split(text[: cand.start].rstrip()[:-1])[-1]
    else:
        after = text[cand.end :]
    if not any(c.isalpha() for c in after):
        # A table's description column OCR read as a line of its own, beside the code's.
        after = _rest_of_row(cand.line)
    code = token if icd10.lookup(token) is not None else repair_icd10(token, after)
    entry = icd10.lookup(code) if code is not None else None
    if entry is not None and described(entry.code, after) >= _words_to_describe(entry.code):
        return entry.code
    vouched = {code: share for code in near_codes(token) if (share := _vouched(code, after))}
    if not vouched:
        return None
    best = max(vouched.values())
    winners = [code for code, share in vouched.items() if share == best]
    return icd10.normalize(winners[0]) if len(winners) == 1 else None


#: Where the clause naming a bracketed code starts: after a bracket or a sentence's end.
_CLAUSE_START = re.compile(r"[()]|[.;:]\s")
#: Where the clause after a code ends: the next item of a list, or the sentence.
_CLAUSE_END = re.compile(r"[;,]|\.(?:\s|$)")


def _rest_of_row(line: TextLine) -> str:
    """The text printed right of a line on its row, in other lines OCR made of it."""
    end = max(w.bbox[2] for w in line.words)
    return " ".join(w.text for w in level_with(line.page, line.words) if w.bbox[0] >= end)


def _vouched(code: str, text: str) -> float:
    """The share of the description of ``code`` that ``text`` prints, when it prints enough
    of it to choose that code over the print (0 when it does not)."""
    carried, share = description_share(code, text)
    return share if carried >= _DESCRIBED_WORDS and share >= _DESCRIBED_SHARE else 0.0


def _dotted_shape(token: str) -> bool:
    """Shaped like a dotted ICD code, whatever OCR did to its characters ("£66.01", "291,81")."""
    return len(token) >= 5 and token[3:4] in (".", ",")


def _billable_reading(token: str) -> str | None:
    """The one billable code a three-character token whose letter OCR read as a digit can
    be: "110" reads I10, J10 or L10, and only I10 is a code (the others head categories).

    A reading is a code that repair answers for the token once given that code's description.
    """
    if len(token) != 3 or not _DIGIT_FIRST.fullmatch(token):
        return None
    billable = [
        entry.code
        for letter in string.ascii_uppercase
        if (entry := icd10.lookup(letter + token[1:])) is not None
        and entry.billable
        and repair_icd10(token, entry.description) == entry.code
    ]
    return billable[0] if len(billable) == 1 else None


def _category(token: str) -> str | None:
    if not _UNDOTTED.fullmatch(token) or len(token) != 3:
        return None
    entry = icd10.lookup(token)
    return entry.code if entry is not None else None


def _billable(code: str) -> bool:
    entry = icd10.lookup(code)
    return entry is not None and entry.billable


def _between_codes(cand: _Candidate) -> bool:
    """Whether a neighbour of the piece is a real dotted code ("for L97.419, 170.245",
    "(169.351, M62.81)")."""
    following = [p for p in cand.line.text[cand.end :].split() if p.strip(_SPECKS)]
    neighbours = (cand.previous, following[0] if following else "")
    return any(
        _DOTTED.fullmatch(bare := piece.strip(_SPECKS + _BRACKETS)) and icd10.lookup(bare)
        for piece in neighbours
    )


def _named_in_prose(cand: _Candidate) -> bool:
    text = cand.line.text
    in_parens = text[cand.start - 1 : cand.start] == "(" and text[cand.end : cand.end + 1] == ")"
    return in_parens or _in_a_list(cand)


def _in_a_list(cand: _Candidate) -> bool:
    """Whether the piece is an entry of a list of dotted codes: "for E66.2, I10, E66.01",
    "(169.351, M62.81)"."""
    following = [piece for piece in cand.line.text[cand.end :].split() if piece.strip(_SPECKS)]
    neighbours = (cand.previous, following[0] if following else "")
    return cand.listed or any(
        _DOTTED.fullmatch(piece.strip(".," + _BRACKETS)) for piece in neighbours
    )


def _procedure(cand: _Candidate) -> Procedure | None:
    token = cand.token
    if _HCPCS.fullmatch(token):
        entry = hcpcs.lookup(token)
        if entry is None and (repaired := repair_hcpcs(token)) is not None:
            # "F1390": the E lost its bottom bar. Unrepairable, it stays for hcpcs_unknown.
            token, entry = repaired, hcpcs.lookup(repaired)
        return Procedure(code=token, system="HCPCS", description=_hcpcs_text(entry))
    if token.isdigit() and repair_hcpcs(token) is not None and not _under_cpt_only(cand):
        # Unless a label names CPT alone, a number one misread letter off a HCPCS code
        # ("59501", S9501; "30696", J0696) may be either that code or a CPT code: neither
        # is taken.
        return None
    if is_cpt_format(token):
        before = cand.line.text[: cand.start]
        # A list entry opens after a separator, or at the start of a line the list runs on to.
        opens_item = _LIST_OPEN.search(before) is not None or not before.strip()
        if cand.context != "cpt" and not opens_item:
            # Under "HCPCS:" a five-digit number is a CPT code only as an entry of the list.
            return None
        if _STATE.fullmatch(cand.previous):
            return None  # "PA 18571" is a ZIP code
        return Procedure(code=token, system="CPT", description=None)
    if _NOISY.fullmatch(token) and len(token) <= 7:
        repaired = repair_hcpcs(token)
        if repaired is not None:
            return Procedure(
                code=repaired, system="HCPCS", description=_hcpcs_text(hcpcs.lookup(repaired))
            )
    return None


def _agreed(procedure: Procedure, printed: set[str]) -> Procedure:
    """A code that does not exist, as the existing code the order prints for it elsewhere."""
    if hcpcs.lookup(procedure.code) is not None:
        return procedure
    fixed = agreeing_code(procedure.code, printed)
    if fixed is None:
        return procedure
    return procedure.model_copy(
        update={"code": fixed, "description": _hcpcs_text(hcpcs.lookup(fixed))}
    )


def _under_cpt_only(cand: _Candidate) -> bool:
    """Whether the nearest code label left of the piece names CPT alone ("CPT: 99601")."""
    before = cand.line.text[: cand.start]
    labels = _labels()
    found = labels.by_kind["proc"].finditer(before) + labels.by_kind["cpt"].finditer(before)
    nearest = max(found, key=lambda m: (m.end(), m.end() - m.start()), default=None)
    return nearest is not None and " ".join(nearest.group().lower().split()) in labels.cpt_only


#: HCPCS Level II letters of services, drugs and procedures (not equipment or supplies,
#: which are items): a code of these printed anywhere on an order is a procedure.
_SERVICE_LETTERS = frozenset("CGHJQST")


def _service_code(cand: _Candidate) -> Procedure | None:
    """A HCPCS service code printed outside a procedure label, e.g. a G-code beside the
    diagnoses in a two-column plan of care. Only an exact, existing, non-ICD code counts."""
    token = cand.token
    if _bracketed_cpt(cand):
        return Procedure(code=token, system="CPT", description=None)
    if cand.context == "items":
        return None
    if not _HCPCS.fullmatch(token):
        token = _named_service_code(cand) or ""
    if not token or token[0] not in _SERVICE_LETTERS or icd10.lookup(token) is not None:
        return None
    entry = hcpcs.lookup(token)
    if entry is None:
        return None
    return Procedure(code=token, system="HCPCS", description=_hcpcs_text(entry))


def _named_service_code(cand: _Candidate) -> str | None:
    """A service code a look-alike damaged ("GO299") whose service the words printed just
    before it name ("Skilled Nursing GO299" is G0299); the clerk is told it was repaired."""
    repaired = repair_hcpcs(cand.token)
    if repaired is None:
        return None
    before = cand.line.text[max(0, cand.start - _NAMING_REACH) : cand.start]
    return repaired if described_hcpcs(cand.token, before) == repaired else None


#: How many characters before a service code may name its service.
_NAMING_REACH = 40


def _bracketed_cpt(cand: _Candidate) -> bool:
    """A CPT code in brackets after the words naming the service: "nursing visits (99601)".
    Not a number one misread letter off a HCPCS code, nor a ZIP code after its state."""
    token, text = cand.token, cand.line.text
    opens, closes = text[cand.start - 1 : cand.start], text[cand.end : cand.end + 1]
    bracketed = cand.start > 0 and opens in ("(", "[") and closes in (")", "]")
    return (
        bracketed
        and token.isdigit()
        and is_cpt_format(token)
        and repair_hcpcs(token) is None
        and cand.previous.isalpha()
        and not _STATE.fullmatch(cand.previous)
    )


def _hcpcs_text(entry: hcpcs.HcpcsCode | None) -> str | None:
    return entry.long_description or None if entry else None
