"""Values stated in sentences, for letters of medical necessity that print no labels.

"Please provide Mr. John Smith (DOB 1/23/45) with ...", "patient Maria Gonzalez, born
03/14/1948", "Re: John Smith DOB ...", "Dr. Alan Whitfield, MD", "Sincerely," and a name.
Patterns are spaCy Matcher data: names by the words that introduce them, and other values
by a cue phrase followed, within a short reach, by text a normalizer accepts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from extractors.extract.labels import is_column_gap
from extractors.normalize.dates import find_dates
from extractors.normalize.names import CREDENTIALS
from extractors.pages import Page, Word, union

# spaCy loads on first use, not on import: the commands and pages that never extract
# (`intake status`, the review UI) import these modules through the rules and skip its 0.7 s.
if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher
    from spacy.tokens import Doc, Span

# ---------------------------------------------------------------- patterns (data)

Pattern = list[dict[str, Any]]

_CAP: dict[str, Any] = {"TEXT": {"REGEX": r"^[A-Z][A-Za-z'\-]+$"}}
_INITIAL: dict[str, Any] = {"TEXT": {"REGEX": r"^[A-Z]\.?$"}, "OP": "?"}
_NAME: Pattern = [_CAP, _INITIAL, _CAP]
#: The dot after a title, or the comma a fax reads it as ("Mr, Robert Clark").
_TITLE_DOT: dict[str, Any] = {"ORTH": {"IN": [".", ","]}, "OP": "?"}


def _credential_regex() -> str:
    """Every credential as printed with or without its dots and dash: "NP", "N.P.", "PA-C"."""
    letters = {re.sub(r"[^A-Za-z]", "", c) for c in (*CREDENTIALS, *CREDENTIALS.values())}
    spelled = (r"[.\-]?".join(word) + r"\.?" for word in sorted(letters, key=len, reverse=True))
    return "^(?:" + "|".join(spelled) + ")$"


_CREDENTIAL: dict[str, Any] = {"TEXT": {"REGEX": _credential_regex()}}

#: What ends a subject line's topic before the name it concerns ("... referral - Name",
#: "... referral for Name").
_TOPIC_ENDS = ("-", "\u2013", "for", ":")

#: Who a name belongs to, by what introduces it. Matched on LOWER; the name is what follows.
NAME_PATTERNS: dict[str, list[Pattern]] = {
    "member.sex.M": [[{"LOWER": {"IN": ["mr", "mr."]}}, _TITLE_DOT, *_NAME]],
    "member.sex.F": [[{"LOWER": {"IN": ["mrs", "mrs.", "ms", "ms.", "miss"]}}, _TITLE_DOT, *_NAME]],
    "member.name": [
        [
            {"LOWER": {"IN": ["re", "regarding", "patient", "pt", "provide", "referring"]}},
            {"IS_PUNCT": True, "OP": "?"},
            *_NAME,
        ],
        [
            {"LOWER": {"IN": ["re", "regarding", "patient"]}},
            # A fax reads the colon as a semicolon: "RE; CLARK, ROBERT".
            {"ORTH": {"IN": [":", ";"]}, "OP": "?"},
            _CAP,
            {"ORTH": ","},
            _CAP,
            _INITIAL,
        ],
        # A subject line naming its topic first: "RE: Home health referral - Gerald
        # Whitcomb, DOB 03/14/1941". Only with the member's birth date after the name: a
        # topic alone ("Re: Request for Hospital Bed") names no one.
        [
            {"LOWER": {"IN": ["re", "regarding"]}},
            {"ORTH": {"IN": [":", ";"]}, "OP": "?"},
            {"IS_ALPHA": True, "OP": "{1,4}"},
            {"LOWER": {"IN": list(_TOPIC_ENDS)}},
            *_NAME,
            {"ORTH": {"IN": [",", "("]}, "OP": "?"},
            {"LOWER": {"IN": ["dob", "d.o.b.", "born", "birthdate"]}},
        ],
    ],
    "clinician.name": [
        # Not the comma: "Oak Dr, Boise ID" is a street.
        [{"LOWER": {"IN": ["dr", "dr."]}}, {"ORTH": ".", "OP": "?"}, *_NAME],
        # "David Contreras DO, FACP": a degree, then a fellowship after the comma.
        [*_NAME, {**_CREDENTIAL, "OP": "?"}, {"ORTH": ","}, _CREDENTIAL],
        # "Owens, Clara B. NP", "Kessler, Aaron J, DO": surname first, the credential after
        # the given name.
        [_CAP, {"ORTH": ","}, _CAP, _INITIAL, {"ORTH": ",", "OP": "?"}, _CREDENTIAL],
        [
            {"LOWER": "signed"},
            {"LOWER": "by"},
            {"LOWER": {"IN": ["dr", "dr."]}, "OP": "?"},
            {"ORTH": ".", "OP": "?"},
            *_NAME,
        ],
    ],
}

#: The cue of a number whose party is the subject of its sentence: "He lives at ... and
#: can be reached at ..." is the member's, "I can be reached at ..." the writer's office's.
_REACHED = "reached"
_REACHED_BY = {
    **dict.fromkeys(("he", "she", "they", "patient", "mr", "mrs", "ms"), "member.phone"),
    **dict.fromkeys(("i", "we", "dr"), "clinician.phone"),
}

#: Cue phrases after which a value follows in the same sentence. Lower-case words; "a|b" is
#: either word, and "*" any one word or none ("discharged home on" is "discharged on").
VALUE_CUES: dict[str, list[list[str]]] = {
    "member.dob": [["dob"], ["d.o.b."], ["born"], ["date", "of", "birth"], ["birthdate"]],
    "member.phone": [["phone", "number", "is"], ["cell", "is"]],
    # Whose number it is, the sentence's subject says (``_REACHED_BY``).
    _REACHED: [["can|may", "be", "reached", "at|on"]],
    "member.address": [["address", "is"], ["lives", "at"], ["resides", "at"], ["deliver", "to"]],
    "payer.name": [["insurance", "is"], ["insured", "by"], ["covered", "by"], ["insurance", ":"]],
    "payer.group_number": [["group"], ["group", "#"], ["group", "number"]],
    "member.member_id": [
        ["mbi"],
        ["member", "id"],
        ["medicare", "id"],
        ["medicare", "no"],
        ["medicare", "no."],
        ["medicare", "number"],
        ["subscriber", "id"],
        ["policy", "number"],
        ["policy", "#"],
        ["id", "#"],
    ],
    "clinician.phone": [
        ["my", "office", "at"],
        ["call", "me", "at"],
        ["office", "phone", "is"],
    ],
    "clinician.fax": [
        ["or", "fax"],
        ["fax", "us", "at"],
        ["fax", "back", "to"],
        ["fax", "it", "to"],
    ],
    "dates.service_start": [
        # "Please begin TPN on 12/04", "start oxygen on": the therapy may stand between.
        ["begin", "*", "on"],
        # "... via midline. Begin 12/08/2026.": the date right after the verb.
        ["begin"],
        ["start", "*", "on"],
        # "with the first home dose on 3/15", "the first visit on": when the service begins.
        ["first", "*", "dose|doses|infusion|visit|delivery", "on"],
        ["starting"],
        ["beginning"],
        ["begin", "services"],
        ["start", "of", "care"],
        # "The equipment is needed by 07/15/2025": the day the service must begin.
        ["needed", "by"],
    ],
    "dates.discharge": [
        ["discharge", "is"],
        # "discharged home on", "discharged to home on".
        ["discharged", "*", "*", "on"],
        ["discharge", "on"],
        ["discharge", "date"],
        # "His anticipated discharge from Northwestern Memorial is 9/17": the date after
        # the facility's name.
        ["discharge", "from"],
    ],
    "dates.face_to_face": [
        ["face", "-", "to", "-", "face"],
        ["face", "to", "face"],
        ["f2f"],
        ["last", "seen"],
        ["examined", "on"],
    ],
    # "Electronically signed by X on 5/2", "Digitally signed by X - 5/2": the e-signature's
    # statement; "Date of practitioner signature 5/2": a form's signature-date element.
    "dates.signature": [
        ["electronically|digitally", "signed"],
        ["signed", "on"],
        ["date", "of", "*", "signature"],
    ],
}

#: Abbreviations whose dot ends no sentence: "Apt. 4C", "St. Mary's", "Dr. Lee".
ABBREVIATIONS = ("Apt", "Ste", "St", "Ave", "Dr", "Rd", "Blvd", "Ln", "Ct", "Pl", "Mt", "Ft", "No")
_ABBREVIATION = re.compile(rf"(?<![\w.])(?:{'|'.join(ABBREVIATIONS)})$")
_BEFORE_ZIP = re.compile(r"\d{3}\s?\d{2}\b")
#: The verb between a cue and its value in a sentence: "Her Medicare ID is ...".
_COPULA = re.compile(r"\s*(?:is|was|are|reads)\s", re.IGNORECASE)
#: How far past its cue, in characters, a value may start.
REACH = 48
# A value phrase ends at the end of its sentence or at these joints.
_VALUE_ENDS = (". ", " and ", "; ", " or ", ": ", "\n")
#: A line that opens with a label ("Date: ...", "Sex: M") starts a field of its own: no cue
#: phrase or value runs into it from the line above ("needed before discharge" / "Date:").
_LABELLED_LINE = re.compile(r"^[\W_]*[A-Z][A-Za-z'/#.\- ]{0,30}?:")
# A letter's own date stands alone on a line near the top: it is the order's date.
_DATELINE_BAND = 0.4
_EDGE_MARKS = re.compile(r"^[\W_]+|[\W_]+$")
#: A fax's speck read as a dot between two lower-case words ("dose.on"): a space, one
#: character for one, so the offsets of the words hold.
_GLUED_SPECK = re.compile(r"(?<=[a-z]{2})\.(?=[a-z]{2})")
#: The same speck at a word's end when its sentence runs on in lower case ("discharged
#: home. on 2/25"): a sentence that ends is followed by a capital.
_END_SPECK = re.compile(r"(?<=[a-z]{2})\.$")


@dataclass(frozen=True)
class Mention:
    path: str
    #: The text found: a name for name paths, the rest of the sentence after a cue otherwise.
    text: str
    words: list[Word]
    page: Page


@dataclass
class _PageText:
    page: Page
    text: str
    spans: list[tuple[int, int, Word]]

    def words(self, start: int, end: int) -> list[Word]:
        return [w for s, e, w in self.spans if s < end and start < e]


@cache
def _pipeline() -> tuple[Language, Matcher, Matcher]:
    import spacy
    from spacy.matcher import Matcher

    nlp = spacy.blank("en")
    names = Matcher(nlp.vocab)
    for key, patterns in NAME_PATTERNS.items():
        names.add(key, patterns)
    cues = Matcher(nlp.vocab)
    for key, phrases in VALUE_CUES.items():
        cues.add(
            key, [[token for word in phrase for token in _cue_tokens(word)] for phrase in phrases]
        )
    return nlp, names, cues


def _cue_tokens(word: str) -> list[dict[str, Any]]:
    if word == "*":
        # Any one word or none, and the extra space a speck read as a stop leaves beside it.
        return [{"IS_ALPHA": True, "OP": "?"}, {"IS_SPACE": True, "OP": "?"}]
    return [{"LOWER": {"IN": word.split("|")}} if "|" in word else {"LOWER": word}]


def _page_text(page: Page, skip: set[int]) -> _PageText:
    parts: list[str] = []
    spans: list[tuple[int, int, Word]] = []
    offset = 0
    for number in range(len(page.lines)):
        words = [w for w in page.words if w.line == number]
        if number in skip or not words:
            continue
        if parts and _LABELLED_LINE.match(page.lines[number].text):
            parts[-1] = parts[-1][:-1] + "\n"
        ordered = sorted(words, key=lambda w: w.bbox[0])
        for at, word in enumerate(ordered):
            spans.append((offset, offset + len(word.text), word))
            text = _GLUED_SPECK.sub(" ", word.text)
            if at + 1 < len(ordered) and ordered[at + 1].text[:1].islower():
                text = _END_SPECK.sub(" ", text)
            parts.append(text + " ")
            offset += len(word.text) + 1
        # Lines join with a space: sentences wrap ("her phone number" / "is 555...").
        # A labelled line joins with a line break instead, which the matchers do not cross.
    return _PageText(page, "".join(parts), spans)


def _value_text(text: str, start: int) -> tuple[int, int]:
    end = min(len(text), start + REACH + 16)
    for mark in _VALUE_ENDS:
        found = text.find(mark, start + 1, end)
        # "Apt. 4C", "St. Mary's": a capitalised abbreviation's dot ends no sentence, nor
        # does a speck a fax prints between a state and its ZIP ("Albany, NY. 12200").
        while (
            found != -1
            and mark == ". "
            and (_ABBREVIATION.search(text, 0, found) or _BEFORE_ZIP.match(text, found + 2))
        ):
            found = text.find(mark, found + 1, end)
        if mark == ": " and text[start:found].strip().isdigit():
            # "his address is 7348: Sunset Pl": a speck after the house number.
            found = text.find(mark, found + 1, end)
        if found != -1:
            end = min(end, found)
    return start, end


def _names(doc: Doc, matcher: Matcher, source: _PageText) -> list[Mention]:
    from spacy.tokens import Span
    from spacy.util import filter_spans

    found: list[Mention] = []
    spans = [Span(doc, s, e, label=m) for m, s, e in matcher(doc)]
    for span in filter_spans(spans):
        # The name is what follows the cue: drop the cue words ("Mr.", "Re:", "signed by").
        key = span.label_
        body = span
        topic_end = [t.i for t in span[1:] if t.lower_ in _TOPIC_ENDS]
        if key == "member.name" and topic_end:
            body = doc[topic_end[-1] + 1 : span.end]
        while body and not _is_name_start(body[0].text, key):
            body = body[1:]
        while body and body[-1].lower_ in _AFTER_NAME:
            body = body[:-1]
        if len(body) < 2 or _is_place(doc, span, body):
            continue
        words = source.words(body.start_char, body.end_char)
        # Whole words, so "FNP-C" is not cut to the "FNP" the tokenizer split off.
        found.append(Mention(key, " ".join(w.text for w in words), words, source.page))
    return found


#: What a subject line prints after the member's name, which the name match runs on to.
_AFTER_NAME = frozenset({",", "(", "dob", "d.o.b.", "born", "birthdate"})


def _is_place(doc: Doc, span: Span, body: Span) -> bool:
    """A street or town read as a name: "Pine Dr / Des Moines", "Erie, PA 16511"."""
    after = doc[span.end] if span.end < len(doc) else None
    if after is not None and re.fullmatch(r"\d{5}(-\d{4})?", after.text):
        return True  # "City, ST 12345": a state before a ZIP, not a credential
    cue = doc[span.start : body.start]
    before = doc[span.start - 1] if span.start > 0 else None
    # "1200 Pine Dr": a street type after a street name, not the title "Dr."
    return (
        any(t.lower_ in ("dr", "dr.") for t in cue)
        and before is not None
        and before.text[:1].isupper()
        and span.start > 1
        and doc[span.start - 2].text[:1].isdigit()
    )


def _is_name_start(token: str, key: str) -> bool:
    cues = {"re", "regarding", "patient", "pt", "provide", "referring", "signed", "by", "dr"}
    if key.startswith("member.sex"):
        cues |= {"mr", "mrs", "ms", "miss"}
    return token.rstrip(".:;,").lower() not in cues and token not in {".", ":", ";", ","}


def page_mentions(page: Page, skip_lines: set[int] | None = None) -> list[Mention]:
    """Names and cue-introduced value phrases on one page, in reading order."""
    nlp, names, cues = _pipeline()
    source = _page_text(page, skip_lines or set())
    doc = nlp.make_doc(source.text)
    found = _names(doc, names, source)
    for match_id, start, end in cues(doc):
        path: str | None = nlp.vocab.strings[match_id]
        if path == _REACHED:
            path = _reached_by(doc, start)
        start_char, end_char = _value_text(source.text, doc[end - 1].idx + len(doc[end - 1]))
        if copula := _COPULA.match(source.text, start_char, end_char):
            start_char = copula.end()  # "Her Medicare ID is 3HX7-QA2-TT41"
        text = source.text[start_char:end_char].strip(" :,\n")
        if not text or path is None:
            continue
        words = source.words(start_char, end_char)
        found.append(Mention(path, text, words, page))
    return sorted(found, key=lambda m: (m.words[0].line, m.words[0].bbox[0]) if m.words else (0, 0))


def _reached_by(doc: Doc, cue: int) -> str | None:
    """Whose number "can be reached at" gives: the party of the nearest word before the cue
    in its sentence that names one. "I can be reached", "He lives at ... and can be
    reached", "my patient, Mrs. Joan Petrakis, who resides at ... and can be reached"."""
    at = cue - 1
    while at >= 0 and doc[at].text not in (".", "\n") and not doc[at].is_space:
        if (party := _REACHED_BY.get(doc[at].lower_.rstrip("."))) is not None:
            return party
        at -= 1
    return None


def _line_words(page: Page, index: int) -> list[Word]:
    return [w for w in page.words if w.line == index]


def signed_off(page: Page) -> list[Mention]:
    """The name under "Sincerely," (or a like closing), and the organization under it."""
    closings = {"sincerely", "regards", "respectfully", "thank you", "best regards"}
    for number, line in enumerate(page.lines):
        if line.text.strip(" ,.").lower() not in closings:
            continue
        found: list[Mention] = []
        for index in range(number + 1, min(number + 7, len(page.lines))):
            text = page.lines[index].text.strip()
            if ":" in text or any(c.isdigit() for c in text) or not text[:1].isupper():
                continue
            if page.lines[index].conf < _SURE_WORD:
                continue  # the pen's scribble, which OCR read as letters ("WV")
            if found and (_squeezed(text) == _squeezed(found[0].text) or _credentialed(text)):
                continue  # the printed name repeated under the signature line
            path = "clinician.name" if not found else "clinician.organization"
            found.append(Mention(path, text, _line_words(page, index), page))
            if len(found) == 2:
                break
        return found
    return []


def _squeezed(text: str) -> str:
    # OCR adds specks and marks around a repeated line ("Michael Dubois, DO. °").
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _credentialed(text: str) -> bool:
    """Whether the line names a person by a credential ("Clark, Amy PA-C"): no organization."""
    return any(re.sub(r"[^A-Za-z]", "", token) in CREDENTIALS for token in text.split()[1:])


def dateline(page: Page, skip: set[int]) -> Mention | None:
    for number, line in enumerate(page.lines):
        if number in skip or line.bbox[1] > _DATELINE_BAND:
            continue
        # Marks around the date are specks or punctuation: "‘September 5, 2024 ."; so are the
        # dots of a rule OCR barely read as a glyph repeated ("eee ee").
        line_words = sorted(_line_words(page, number), key=lambda w: w.bbox[0])
        words = [w for w in line_words if not _is_speck(w)]
        # Alone on its line, or alone in the last cell of a title's row ("OXYGEN ORDER
        # ...  December 2, 2026"): the date a letter or an order form sets at its head.
        cells = [
            words[at:]
            for at in range(1, len(words))
            if is_column_gap(page, words[at - 1], words[at])
        ]
        titled = bool(cells) and _is_title(words[: len(words) - len(cells[-1])])
        for cell in [words, *(cells[-1:] if titled else [])]:
            text = " ".join(w.text for w in cell)
            spans = find_dates(text)
            if len(spans) != 1 or _EDGE_MARKS.sub("", spans[0][2]) != _EDGE_MARKS.sub("", text):
                continue
            if not _continues_cell(page, number, cell):
                return Mention("dates.order", text, cell, page)
    return None


def _is_title(words: list[Word]) -> bool:
    """A heading's words: capitals, no digit and no caption's colon ("OXYGEN ORDER"). A
    value's caption before the date ("Admitted", "D/C date:") is none."""
    text = " ".join(w.text for w in words)
    letters = [c for c in text if c.isalpha()]
    return (
        len(letters) >= _MIN_TITLE_LETTERS
        and all(c.isupper() for c in letters)
        and not any(c.isdigit() or c == ":" for c in text)
    )


#: A title has a word's worth of letters at least.
_MIN_TITLE_LETTERS = 4


def _is_speck(word: Word) -> bool:
    """A word OCR barely read made of one or two glyphs repeated: a rule's dots, not print."""
    return word.conf < _SURE_WORD and len(set(word.text.lower())) <= _SPECK_GLYPHS


#: The OCR confidence below which a word may be a speck, not print, and the most distinct
#: glyphs a speck repeats.
_SURE_WORD = 0.5
_SPECK_GLYPHS = 2


def _continues_cell(page: Page, number: int, words: list[Word]) -> bool:
    """A line that wraps the cell above it ("From 11-30-2024 To" / "01-28-2025"), or a cell
    under its column's heading ("Measured" / "2025-01-28"): real words just above the date's
    ``words``, over them. OCR may list a table's last column after the page, so every line
    is looked at, not only the one read before it."""
    box = union([w.bbox for w in words])
    reach = _CELL_GAP_HEIGHTS * (box[3] - box[1])
    return any(
        above.bbox[1] < box[1]
        and box[1] - above.bbox[3] <= reach
        and any(
            w.bbox[0] < box[2] and box[0] < w.bbox[2] and _is_word(w)
            for w in _line_words(page, index)
        )
        for index, above in enumerate(page.lines)
        if index != number
    )


#: How many of the date's line heights a heading or wrapped cell may stand above it: a table
#: pads its rows, so a little more than one.
_CELL_GAP_HEIGHTS = 1.2


def _is_word(word: Word) -> bool:
    core = "".join(c for c in word.text if c.isalnum())
    return word.conf >= _SURE_WORD and (len(core) >= 3 or any(c.isdigit() for c in core))


def find_mentions(pages: Sequence[Page], skip: dict[int, set[int]]) -> list[Mention]:
    """Mentions on every page; ``skip`` maps a page number to line indexes to ignore."""
    found: list[Mention] = []
    for page in pages:
        found += page_mentions(page, skip.get(page.number))
        found += signed_off(page)
        dated = dateline(page, skip.get(page.number, set()))
        if dated is not None:
            found.append(dated)
    return found
