"""Values behind captions no label list names: a caption's cue words give its value's role.

Offices word their captions in endless ways ("Birth date", "Individual", "Home addr.",
"Financial class"). ``labels.toml`` pairs the wordings it lists; this module reads the rest.
Every "Caption: value" on a printed row is a candidate; the cue words of the caption
(``extractors/data/roles.toml``) score each contract path, and whose section the row sits
in (a SUPPLIER band, a PRESCRIBER band) rules out the paths of other parties. The value's
shape is then checked by the path's reader, so a caption that only looks right reads
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache
from itertools import chain, dropwhile, takewhile
from typing import Literal

from extractors.extract.cover import is_fax_header_line
from extractors.extract.labels import (
    Row,
    crossed_columns,
    has_phrase,
    is_column_gap,
    is_separator,
    letterhead_words,
    misread_from,
    office_words,
    printed_rows,
    values_over_captions,
    vocabulary,
)
from extractors.extract.textlines import load_data
from extractors.normalize.addresses import is_unit_colon
from extractors.normalize.dates import find_dates
from extractors.normalize.lookalikes import fold_label
from extractors.normalize.phones import parse_phone
from extractors.normalize.sex import STATED_SEX
from extractors.normalize.us_states import STATES
from extractors.pages import Page, Word

Party = Literal["member", "clinician", "other"]

#: A caption is at most this many words before its colon.
_MAX_CAPTION_WORDS = 4
#: A colon that ends a caption: after a letter, a dot, "#" or ")" ("Contract #:", "addr.:"),
#: never between digits (a time, "12:46").
_CAPTION_END = re.compile(r"(?<=[A-Za-z.#)])\s?:(?!\d)")
#: A caption ending in the number of its line: the "1:" of "Address 1:".
_LINE_NUMBER_END = re.compile(r"\d:")
#: Weak cues ("id", "no") count this much of a full cue.
_WEAK = 0.5
#: A section heading: a short row with no colon and no digit.
_MAX_HEADING_WORDS = 8
#: The number of a form's box: "2.", "18.", "17a.", "B.", "A3." (OCR reads the dot as a
#: comma).
_BOX_NUMBER = re.compile(r"[^\w]*(?:[A-Z]?\d{1,2}[A-Za-z]?|[A-Z])[.,:]?")
#: The same at the head of a caption, glued to it or not: "6.CITY", "'1. ENROLLEE NAME".
_BOX_HEAD = re.compile(r"^[^\w]*(?:\d{1,2}[A-Za-z]?|[A-Z])[.,:]\s*(?=\S)|^[^\w]*\d{1,2}\s+")
#: A box number as a word of its own: "8." of "7. STATE 8. ZIP CODE".
_INNER_BOX_NUMBER = re.compile(r"\d{1,2}[A-Za-z]?\.")
#: A hint in brackets after a caption: "(MM/DD/YYYY)", "(Last, First, MI)".
_HINT = re.compile(r"[({\[][^)}\]]*[)}\]]?")
#: Marks that may open a caption's cell: a tick box ("[X]", "[ ]"), a box number ("7."), dots.
_LEAD_MARK = re.compile(r"\[.?\]|[^\w]+|\d{1,2}[a-z]?[.)]")
#: Marks after a caption in its cell: a speck, a dash, a rule read as a bar ("#" is the
#: caption's own: "Cert #").
_TRAILING_MARK = re.compile(r"[^\w#]+")
#: The number of a caption's line: "Address line 1.".
_LINE_NUMBER = re.compile(r"\d[.:]?")
#: A cell read as "caption value" is a form's: a longer one is a sentence.
_MAX_CELL_WORDS = 12
#: A caption over a box is a few words; a longer cell is a sentence.
_MAX_BAND_CAPTION_WORDS = 7
#: A value row sits within this many of its text heights of its captions.
_MAX_BAND_STEP = 3.5
#: A value wrapped inside its cell goes on within this many text heights of its line above.
_MAX_WRAP_STEP = 1.6
#: Words may start a little left of their caption (centred or boxed cells).
_COLUMN_SLACK = 0.015


#: Captions and their words are OCR text, new on every fax: the caches of what they name
#: are bounded, or they would grow for a worker's whole life.
_TEXTS_KEPT = 16384


@dataclass(frozen=True)
class PathCues:
    party: Party | None
    cues: tuple[str, ...]
    weak: tuple[str, ...]
    excluded: tuple[str, ...]
    weight: float
    #: Weak cues that name the path when the caption holds nothing but weak cues.
    alone: tuple[str, ...]


@dataclass(frozen=True)
class Captioned:
    """A value after a caption: the path its cues name, and the value's words."""

    path: str
    caption: str
    words: list[Word]
    page: Page
    #: Whether whose value it is was printed (by its caption, section or column), rather
    #: than assumed: a fax number in a prescriber's box beats the letterhead's.
    placed: bool = False
    #: Whether the path comes from the value's shape and its neighbours', the caption being
    #: unread ("stomp" over "CA 90101" after the street's and the town's columns).
    by_shape: bool = False

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@cache
def _registry() -> tuple[dict[Party, tuple[str, ...]], dict[str, PathCues]]:
    data = load_data("roles.toml")
    parties: dict[Party, tuple[str, ...]] = {
        "member": tuple(data["parties"]["member"]),
        "clinician": tuple(data["parties"]["clinician"]),
        "other": tuple(data["parties"]["other"]),
    }
    paths = {
        path: PathCues(
            spec.get("party"),
            tuple(spec["cues"]),
            tuple(spec.get("weak", ())),
            tuple(spec.get("not", ())),
            float(spec.get("weight", 1.0)),
            tuple(spec.get("alone", ())),
        )
        for path, spec in data["paths"].items()
    }
    return parties, paths


def _normal(text: str) -> str:
    # "Home addr.:", "Sex/Gender" and "Member No." as plain words; "#" is a word of its own.
    spaced = re.sub(r"#", " # ", text.lower())
    # A dash between words is punctuation ("Dates of service - From"); inside one it is
    # part of the word ("Set-up").
    words = re.sub(r"[^a-z0-9#\- ]", " ", spaced).split()
    # A specialist's title is a physician's ("Ordering oncologist:", "Attending surgeon").
    named = ("physician" if _SPECIALIST.fullmatch(w) else w for w in words if w.strip("-"))
    return " " + " ".join(named) + " "


#: A physician named by a specialty: "-ologist", "-iatrist", and a few titles of their own.
_SPECIALIST = re.compile(r"[a-z]+(?:ologist|iatrist)|surgeon|hospitalist|internist|pediatrician")


def _holds(caption: str, cue: str) -> bool:
    return f" {cue} " in caption


def _only_weak(caption: str, cues: PathCues) -> bool:
    """Whether the caption is weak cues alone, one of them a cue that may stand alone."""
    words = caption.split()
    return (
        bool(words) and all(w in cues.weak for w in words) and any(w in cues.alone for w in words)
    )


#: ``clinician_rank`` of a caption naming a clinician who is not the ordering one.
DISTRACTOR_RANK = 2


def clinician_rank(caption: str) -> int:
    """How surely a clinician caption names the ordering clinician: 0 when it says so
    ("Ordering physician"), 2 for a distractor ("Referring MD", "PCP"), else 1."""
    roles = load_data("roles.toml")["clinician_roles"]
    text = _normal(caption)
    if any(_holds(text, cue) for cue in roles["ordering"]):
        return 0
    return DISTRACTOR_RANK if any(_holds(text, cue) for cue in roles["distractor"]) else 1


@lru_cache(maxsize=_TEXTS_KEPT)
def caption_party(caption: str) -> Party | None:
    """Whose value a caption (or a section heading) names: another party's words win.

    A wording ``labels.toml`` lists whole corrects the party its words name: "Individual
    NPI" is the prescriber's, though "Individual" alone captions the patient. (Where the
    words name no party, the listed wording adds none: "Street address" is still one of
    a row's captions to be parted from the next by their paths.)
    """
    parties, _ = _registry()
    text = _normal(caption)
    for party in ("other", "clinician", "member"):
        if any(_holds(text, cue) for cue in parties[party]):
            return _listed_party(caption) or party
    return None


def _listed_party(caption: str) -> Party | None:
    """The party of the listed label the caption is, word for word; None for a generic
    label ("Phone"), which takes its section's."""
    key = " ".join(part for w in caption.split() if (part := w.lower().strip(_LISTED_MARKS)))
    spec = vocabulary().specs.get(key)
    if spec is None or spec.generic or spec.party not in ("member", "clinician", "other"):
        return None
    return spec.party


#: Marks a caption's words may carry that its listed wording does not: "Individual NPI #:".
_LISTED_MARKS = ":;#."


@lru_cache(maxsize=_TEXTS_KEPT)  # a pure function of two strings, asked of every cell
def caption_path(caption: str, party: Party | None = None) -> str | None:
    """The contract path a caption's cue words score highest, or None when none scores.

    Given whose value it is (from the caption or its section), only that party's paths
    compete: "Phone" in a prescriber's box is the clinician's phone.
    """
    _, paths = _registry()
    text = _cue_text(caption)
    best, best_score = None, 0.0
    for path in _named_paths(text):
        cues = paths[path]
        if party is not None and cues.party is not None and cues.party != party:
            continue
        if any(_holds(text, cue) for cue in cues.excluded):
            continue
        strong = sum(1.0 for cue in cues.cues if _holds(text, cue) and _whole_if_letter(text, cue))
        if not strong and _only_weak(text, cues):
            strong = _WEAK
        if not strong:
            continue
        score = cues.weight * (strong + _WEAK * sum(1 for cue in cues.weak if _holds(text, cue)))
        if score > best_score:
            best, best_score = path, score
    return best


def _whole_if_letter(text: str, cue: str) -> bool:
    """A one-letter cue ("T", "F", "P" of a letterhead's numbers) is the whole caption or
    none: in "P. Ramirez, M.D. NPI no." the letter is an initial."""
    return len(cue) > 1 or text.split() == [cue]


def _named_paths(text: str) -> list[str]:
    """The paths, in the registry's order, that one of the caption's words may name: the
    first word of one of their cues, or a weak cue that may stand alone. The others cannot
    score, and a page asks for thousands of captions."""
    first_words = _paths_by_first_word()
    named = {path for word in text.split() for path in first_words.get(word, ())}
    return [path for path in _registry()[1] if path in named]


@cache
def _paths_by_first_word() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for path, cues in _registry()[1].items():
        for cue in (*cues.cues, *cues.alone):
            found.setdefault(cue.split()[0], set()).add(path)
    return {word: frozenset(paths) for word, paths in found.items()}


def caption_excludes(caption: str, path: str) -> bool:
    """Whether a caption holds a word that rules ``path`` out ("Secondary insurance" is no
    caption of the member's plan), however it names the path otherwise."""
    _, paths = _registry()
    text = _cue_text(caption)
    return any(_holds(text, cue) for cue in paths[path].excluded)


def _cue_text(caption: str) -> str:
    """The caption's words as the cue words OCR misread them from, padded for ``_holds``;
    a hint of the name's order ("Name (first, MI, last)") names no path of its own."""
    caption = _NAME_ORDER_HINT.sub(" ", caption)
    return " " + " ".join(_as_cue_word(word) for word in _normal(caption).split()) + " "


#: A hint in brackets of the order a name's parts are printed in: "(first, MI, last)",
#: "(Last, First, Middle)".
_NAME_ORDER_HINT = re.compile(
    r"(?i)[({\[]\s*(?:(?:first|last|middle|mi|m\.i\.|initial|surname|given|family)\b\W*){2,}[)}\]]?"
)


#: The paths of the numbers a plan's name is printed before ("Aetna  Policy/ID no. ...").
_PLAN_NUMBERS = ("member.member_id", "payer.group_number")


def plan_name_end(words: Sequence[str]) -> int | None:
    """Where a plan's name ran on into the caption of its number, the caption's first word
    ("Actoa Medicare Advantage Policy/ID no. UZb080745" ends before "Policy/ID"), else None.

    The caption is caption words alone, with a strong cue of the number's path: "Medicare"
    alone is a weak cue, as often a word of the plan's own name ("Aetna Medicare Advantage").
    """
    _, paths = _registry()
    for at in range(len(words)):
        for size in range(1, _MAX_CAPTION_WORDS + 1):
            caption = " ".join(words[at : at + size])
            path = caption_path(caption)
            text = _cue_text(caption)
            if (
                path in _PLAN_NUMBERS
                and set(text.split()) <= _caption_words()  # a caption, no word of the name
                and any(_holds(text, cue) for cue in paths[path].cues)
            ):
                return at
    # A bare mark before a number as a card prints it: "Anthem BCBS # YRB882047731", or
    # glued to it: "Anthem BCBS #YRB882047731".
    for at in range(1, len(words)):
        mark, glued = words[at][:1], words[at][1:]
        if mark == "#" and _ID_SHAPE.fullmatch(glued):
            return at
        bare = words[at].lower().rstrip(":.") in _BARE_NUMBER_MARKS
        if bare and at + 1 < len(words) and _ID_SHAPE.fullmatch(words[at + 1]):
            return at
    # The number printed bare right after the name: "Humana Gold Plus H4512-0193".
    return next((at for at in range(1, len(words)) if is_bare_plan_id(words[at])), None)


def is_bare_plan_id(word: str) -> bool:
    """Whether a word is a member's number as a card prints it after the plan's name with no
    caption: letters and digits, five digits at least, and no phone."""
    return bool(_BARE_ID.fullmatch(word)) and parse_phone(word) is None


#: Marks a plan's number follows with no caption of its own.
_BARE_NUMBER_MARKS = frozenset({"#", "id", "id#", "no", "nbr"})
#: A member's number printed bare after the plan: letters and digits, five digits at least.
_BARE_ID = re.compile(r"(?=(?:[A-Za-z-]*[0-9]){5})[A-Za-z0-9][A-Za-z0-9-]{6,}")
#: Signs OCR reads for a letter a stroke crossed ($ for S, £ and € for E: the look-alike
#: table's read_as_letters), which no ID prints.
STRUCK_LETTERS = "$£€"
#: A plan's number: letters and digits, at least three of them digits, maybe after a sign
#: OCR read for a crossed letter ("$C200418773").
_ID_SHAPE = re.compile(
    rf"[{re.escape(STRUCK_LETTERS)}]?(?=(?:[A-Za-z-]*[0-9]){{3}})[A-Za-z0-9-]{{5,}}"
)


@lru_cache(maxsize=_TEXTS_KEPT)
def _as_cue_word(word: str) -> str:
    """A caption word as the cue word a fax misread it from ("MCMBER"), or as it stands;
    two caption words a slash joined, read as a letter ("SexiGender"), as the two words."""
    known = _caption_words()
    word = _unblurred(word)  # "Medicare Beneficiary 1D": the fax's 1 for the I of "ID"
    for at, char in enumerate(word):
        head, tail = word[:at], word[at + 1 :]
        slashed = char in _SLASH_LOOKALIKES and min(len(head), len(tail)) >= _MIN_SLASHED
        if slashed and head in known and tail in known:
            return f"{head} {tail}"
    # A plural names what its singular does: "Dates of service" is the "date of service" cue.
    if word not in known and word.endswith("s") and word[:-1] in known:
        return word[:-1]
    if word not in known and (glued := glued_captions(word)) is not None:
        return glued
    return misread_from(word, known)


def glued_captions(word: str) -> str | None:
    """Two caption words whose space OCR lost over a fill-in line ("Patientname"), apart;
    None for any other word."""
    known = _caption_words()
    word = _normal(word).strip()
    for at in range(_MIN_GLUED, len(word) - _MIN_GLUED + 1):
        if word[:at] in known and word[at:] in known:
            return f"{word[:at]} {word[at:]}"
    return None


#: What a fax reads a slash as between two words ("Sex/Gender" as "SexiGender", "Sex1Gender").
_SLASH_LOOKALIKES = "il1"
#: The fewest letters each word a misread slash joins has: "sex", not "ma" + "l"; and each
#: of two caption words OCR glued ("patient" + "name").
_MIN_SLASHED = 3
_MIN_GLUED = 3


@cache
def _cue_words() -> frozenset[str]:
    _, paths = _registry()
    return frozenset(
        word
        for cues in paths.values()
        for cue in (*cues.cues, *cues.weak)
        for word in cue.split()
        if len(word) > 1
    )


@cache
def _caption_words() -> frozenset[str]:
    parties, paths = _registry()
    cues = [cue for party in parties.values() for cue in party]
    cues += [c for p in paths.values() for c in (*p.cues, *p.weak, *p.excluded, *p.alone)]
    return frozenset(word for cue in cues for word in cue.split())


@cache
def _member_caption_words() -> frozenset[str]:
    parties, paths = _registry()
    cues = [*parties["member"], *paths["member.name"].cues]
    return frozenset(word for cue in cues for word in cue.split())


def is_member_caption_word(word: str) -> bool:
    """Whether a word is one of the member's caption words ("Patient", "Demographics",
    "Covered"), which a caption holds and the member's own name never does."""
    return _normal(word).strip() in _member_caption_words()


def names_another_date(caption: str) -> bool:
    """Whether a caption names a date other than the birth by a word no path's cue is but
    the order date's caption rules out as another date's ("Encounter:", "Admitted")."""
    _, paths = _registry()
    text = _normal(caption)
    birth = paths["member.dob"].cues
    return any(_holds(text, cue) for cue in paths["dates.order"].excluded if cue not in birth)


def is_caption_word(word: str) -> bool:
    """Whether a word belongs to captions ("ID", "GRP", "Member"), so it is no value's part."""
    return _normal(word).strip() in _caption_words()


#: The path of the city, state and ZIP cells printed after a street's.
_LOCALITY_PATH = "member.address.locality"
#: The fewest cue words a list of captions without slashes holds.
_UNSLASHED_CUES = 3


def is_locality_caption(text: str) -> bool:
    """Whether ``text`` is the caption of a city, state or ZIP cell ("st.", "zip code"), or a
    slashed list of them ("City / State / Zip", one part of which OCR may have damaged)."""
    _, paths = _registry()
    cues = paths[_LOCALITY_PATH].cues
    parts = [_normal(part).strip() for part in text.split("/")]
    named = sum(part in cues for part in parts)
    if len(parts) == 1:
        # "City State Zip" with its slashes lost: three cues, where two may be a street's
        # own words ("State St").
        words = parts[0].split()
        return named == 1 or (len(words) >= _UNSLASHED_CUES and all(w in cues for w in words))
    # A damaged part ("Cily") is one word: more is a value run into the list ("Suite 6 City").
    damaged = [part for part in parts if part not in cues]
    return named >= 2 and len(damaged) <= 1 and all(len(part.split()) == 1 for part in damaged)


def _is_cue_word(word: str) -> bool:
    return _normal(word).strip() in _cue_words()


def _fits_party(path: str, caption: Party | None, section: Party | None) -> bool:
    _, paths = _registry()
    wanted = paths[path].party
    party = caption or section
    if party == "other":
        return False
    return wanted is None or party is None or party == wanted


def _caption_start(page: Page, row: Row, colon_word: int) -> int:
    """The first word of the caption ending at ``colon_word``: back to a column gap, a
    printed separator ("HUANG, WEI | DOB:"), a value's digits or an earlier colon, at most a
    few words."""
    start = colon_word
    while start > 0 and colon_word - start + 1 < _MAX_CAPTION_WORDS:
        before = row.words[start - 1]
        if before.text.endswith((":", ";")) or any(c.isdigit() for c in before.text):
            break
        if is_separator(before):
            break
        if is_column_gap(page, before, row.words[start]):
            break
        start -= 1
    return start


def _row_captions(page: Page, row: Row) -> Iterator[tuple[str, list[Word], float]]:
    """Each (caption, value words, caption's left edge) on one printed row, left to right."""
    ends: list[tuple[int, int]] = []  # (index of the caption's last word, its first word)
    for index, word in enumerate(row.words):
        alone = word.text == ":" and index > 0
        if alone and any(c.isdigit() for c in row.words[index - 1].text):
            continue  # "617-571-7340 :": a speck after a value
        numbered = _LINE_NUMBER_END.fullmatch(word.text) and index > 0
        if numbered and row.words[index - 1].text.isalpha():
            # "Address line 1:", its number however far OCR set it from the words.
            ends.append((index, _caption_start(page, row, index - 1)))
        elif _CAPTION_END.search(word.text) or _blurred_end(word.text) or alone:
            last = index if word.text != ":" else index - 1
            ends.append((index, _caption_start(page, row, last)))
    for number, (end, start) in enumerate(ends):
        stop = ends[number + 1][1] if number + 1 < len(ends) else len(row.words)
        words = row.words[start : end + 1]
        caption = " ".join(w.text for w in words)
        tail = row.words[end].text
        glued = _CAPTION_END.split(tail, maxsplit=1)
        value = list(takewhile(lambda w: not is_separator(w), row.words[end + 1 : stop]))
        if len(glued) == 2 and glued[1].strip():
            # "DOB:01/02/45": the value glued to its caption.
            first = row.words[end]
            value = [first.model_copy(update={"text": glued[1].strip()}), *value]
        if value and caption_path(caption) is None:
            # "Re: born 04-Mar-1972, male, New York Medicaid no. 657876332": a letter's
            # subject line lists the member's values, each with its own cue.
            for segment in _segments(value):
                yield from _at(_segment_captions(segment), words[0])
        elif value:
            yield caption, value, words[0].bbox[0]
            trailing = len(value) > 1 and value[-1].text.lower() in STATED_SEX
            if trailing and caption_path(caption) == "member.dob":
                # "DOB: 12.06.1975 Male": a prescription prints the sex after the birth.
                yield "sex", value[-1:], value[-1].bbox[0]
    taken = {id(w) for end, start in ends for w in row.words[start : end + 1]}
    cells = [cell for cell in row_cells(page, row.words) if not any(id(w) in taken for w in cell)]
    index = 0
    while index < len(cells):
        whole = _whole_caption(cells, index)
        if whole is not None:
            size, text = whole
            if _is_captioned_pair(cells, index + size):
                # "Financial class    Policy/ID no.    PD9272431": the first box is empty,
                # and the caption beside it opens a pair of its own.
                index += size
                continue
            if index + size < len(cells):
                # A form's caption column and value column: "Pt. name    Martinez, Joshua".
                yield text, cells[index + size], cells[index][0].bbox[0]
                index += size + 1
                continue
        yield from _at(_prefix_captions(cells[index]), cells[index][0])
        index += 1


def _blurred_end(text: str) -> bool:
    """Whether a word is a caption word a fax blurred, then its colon ("Member I0:", the 0
    of "ID"): the digit is one of the letters captions are matched through."""
    head = text.rstrip(":")
    return len(head) < len(text) and bool(_CAPTION_END.search(_unblurred(head) + ":"))


def _is_captioned_pair(cells: list[list[Word]], index: int) -> bool:
    """Whether the cell at ``index`` is a caption alone, followed by a value, not a caption."""
    whole = _whole_caption(cells, index) if index < len(cells) else None
    if whole is None or _opens_pair(cells, index + 1):
        # "Health insurance    Medicare    MBI #    3KQ3HK8TJ78": a cell between a caption
        # and a caption with its value is the first caption's value, cue word or not.
        return False
    after = index + whole[0]
    return after < len(cells) and _whole_caption(cells, after) is None


def _opens_pair(cells: list[list[Word]], index: int) -> bool:
    """Whether the cell at ``index`` is a caption of its own, followed by a value."""
    return (
        index + 1 < len(cells)
        and _caption_cell(cells[index]) is not None
        and _caption_cell(cells[index + 1]) is None
    )


def _at(
    pairs: Iterator[tuple[str, list[Word]]], caption: Word
) -> Iterator[tuple[str, list[Word], float]]:
    """Captioned values with the left edge of the caption that opens their cell."""
    for text, value in pairs:
        yield text, value, caption.bbox[0]


def _segments(words: list[Word]) -> Iterator[list[Word]]:
    """The words cut after each comma or semicolon."""
    segment: list[Word] = []
    for index, word in enumerate(words):
        if _NUMBER_CUE_MISREAD.fullmatch(word.text):
            # "Tricare East no, 96536679455": OCR's comma for the dot of "no.", no cut.
            segment.append(word.model_copy(update={"text": word.text[:-1] + "."}))
        elif word.text.endswith((",", ";")) and not _inside_date(segment, words[index : index + 2]):
            trimmed = word.model_copy(update={"text": word.text.rstrip(",;")})
            yield [*segment, trimmed] if trimmed.text else segment
            segment = []
        else:
            segment.append(word)
    if segment:
        yield segment


def _inside_date(before: list[Word], words: list[Word]) -> bool:
    """Whether the comma ending ``words[0]`` is a date's own ("born Apr. 26, 1960, female"):
    a date printed across it, from the segment's words into the next word."""
    head = " ".join(w.text for w in [*before, words[0]])
    text = f"{head} {words[1].text}" if len(words) > 1 else head
    return any(start < len(head) < end for start, end, _ in find_dates(text))


def _segment_captions(segment: list[Word]) -> Iterator[tuple[str, list[Word]]]:
    """A segment of a listing: a sex on its own ("male"), a plan beside its member number
    ("Kaiser Permanente no. 87712456399"), or a caption and its value ("tel. 720/804-7831")."""
    text = " ".join(w.text for w in segment)
    if len(text) > 1 and text.lower() in STATED_SEX:
        yield "sex", segment
        return
    match = _PLAN_AND_ID.fullmatch(text)
    if match is not None:
        plan = len(match.group("plan").split())
        yield "insurance", segment[:plan]
        yield "member id", segment[-len(match.group("id").split()) :]
        return
    yield from _prefix_captions(segment)


#: "no," or "No;" where a letter's listing prints "no." before a number.
_NUMBER_CUE_MISREAD = re.compile(r"(?i)no[,;]")
#: A plan's name, then the member's number in it: "Aetna Medicare no. W123456789".
_PLAN_AND_ID = re.compile(
    r"(?P<plan>[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*){0,5}) (?:no\.?|#|ID|number|member ID):?"
    r" (?P<id>(?:[A-Z]{2,4} )?[A-Z0-9-]*\d[A-Z0-9-]{4,})",
)


def _is_listed_label(words: list[str]) -> bool:
    """Whether the words are a label ``labels.toml`` lists ("Funding Source")."""
    return " ".join(w.lower().strip(":;#") for w in words) in vocabulary().specs


def _whole_caption(cells: list[list[Word]], index: int) -> tuple[int, str] | None:
    """(cells taken, caption) when the cell at ``index`` is a caption all by itself, with any
    caption words the next cells carry on with ("Pt." / "name")."""
    words = _caption_cell(cells[index])
    if words is None:
        return None
    size = 1
    while index + size + 1 < len(cells) and _carries_on(cells, index + size):
        words += [w.text for w in cells[index + size]]
        size += 1
    return size, " ".join(words)


def _caption_cell(cell: list[Word]) -> list[str] | None:
    """The words of a cell that is a caption all by itself and names a path, else None."""
    cell = list(dropwhile(lambda w: _LEAD_MARK.fullmatch(w.text), cell))
    while len(cell) > 1 and _TRAILING_MARK.fullmatch(cell[-1].text):
        cell.pop()  # "Home address -": a speck or a rule after the caption
    if len(cell) > 2 and _LINE_NUMBER.fullmatch(cell[-1].text) and cell[-2].text == "line":
        cell.pop()  # "Address line 1.": the number of the caption's line, not its value
    words = [w.text for w in cell]  # "[X] 1. Beneficiary name": a tick and a box number lead
    # A letter alone is a value (a sex "F", an initial), a caption only with its colon ("F:").
    lone = len(words) == 1 and len(words[0].rstrip(".")) == 1
    whole = bool(cell) and not lone and _caption_size(cell) == len(words)
    return words if whole and caption_path(" ".join(words)) is not None else None


def _carries_on(cells: list[list[Word]], index: int) -> bool:
    """Whether the cell at ``index`` carries on the caption before it ("Pt."    "name"): cue
    words or lower-case ones. A capitalised cue word ("Medicare", "Health") may be a plan's
    name too: before a caption with its value it is the value of the caption before it
    ("Financial class    Medicare    Medicare Beneficiary ID    3YT2KF9YJ59")."""
    cell = cells[index]
    if not all(_is_cue_word(w.text) or w.text.islower() for w in cell):
        return False
    return cell[0].text.islower() or not _opens_pair(cells, index + 1)


def row_cells(page: Page, words: list[Word]) -> Iterator[list[Word]]:
    """The row cut at its column gaps and at printed separators ("NPI 1234 | T 919...")."""
    cell: list[Word] = []
    for index, word in enumerate(words):
        parts = is_separator(word) or _parts_values(words, index)
        if cell and (parts or is_column_gap(page, cell[-1], word)):
            yield cell
            cell = []
        if not parts:
            cell.append(word)
    if cell:
        yield cell


def _parts_values(words: list[Word], index: int) -> bool:
    """Whether a lone dash parts a value from the next caption: a letterhead's middle dot
    as a fax reads it ("Ph 402-555-8100 - Fx 402-555-8101"), where a dash in a caption
    ("DATES OF SERVICE - FROM") or a range ("5 - 15") has no caption after a value."""
    if words[index].text not in _DASHES or not 0 < index < len(words) - 1:
        return False
    after = words[index + 1].text.rstrip(":.#")
    before = words[index - 1].text
    return any(c.isdigit() for c in before) and is_caption_word(after)


#: A dash printed alone, as OCR reads a middle dot or a dash between two cells.
_DASHES = frozenset({"-", "\u2013", "\u2014"})


def _caption_size(cell: list[Word]) -> int:
    """How many of the cell's first words are a caption, by the caption's style: after a
    capitalised first word, lower-case words ("Ins. carrier", "Address line 1"); after an
    all-capitals one, capitals until the caption names a path ("SEX M" is caption "SEX").
    A cue word ("Member No.", "City / State", "1D" a fax blurred) continues it either way."""
    shouting = cell[0].text.isupper() and len(cell[0].text) > 1
    size = 1
    while size < len(cell):
        word = cell[size].text
        caption = " ".join(w.text for w in cell[:size])
        styled = (
            word.isupper() and caption_path(caption) is None
            if shouting
            else word.islower() or (len(word) == 1 and word.isdigit())
        )
        listed = _is_listed_label([w.text for w in cell[: size + 1]])
        if not (
            _is_cue_word(_unblurred(word)) or styled or listed or not any(c.isalnum() for c in word)
        ):
            break
        size += 1
    return size


def _prefix_captions(cell: list[Word]) -> Iterator[tuple[str, list[Word]]]:
    """A cell with no colon, "DoB 12/04/1970" or "INSURANCE New York Medicaid", read as its
    caption and the rest."""
    while cell and _LEAD_MARK.fullmatch(cell[0].text):
        cell = cell[1:]  # "[X] 1. Beneficiary name": a tick and a box number lead the caption
    if not 2 <= len(cell) <= _MAX_CELL_WORDS:
        return  # nothing to read, or a sentence rather than a form's cell
    size = _caption_size(cell)
    shouting = cell[0].text.isupper() and len(cell[0].text) > 1
    caption = " ".join(w.text for w in cell[:size])
    # A comma is the value's ("Heatherstad, MD 21157" is a town, a state and a ZIP), unless
    # a hint of the name's order holds it: "Name (first, last) Rosalinda Ybarra".
    comma = "," in _NAME_ORDER_HINT.sub(" ", caption)
    if size >= len(cell) or comma or caption_path(caption) is None:
        return
    value = cell[size:]
    if len(caption.strip(".:")) == 1 and value[0].text[:1] not in _NUMBER_START:
        return  # a letter before a word is an initial ("Curtis P. Ramirez"), not "P 614-..."
    for at in range(1, len(value)):
        word = value[at].text
        # "CITY Laramouth ST CA ZIP 91725": the next capitalised cue word opens the next
        # caption, whose value follows it; so does a number's caption after a number ("Ph
        # 402-555-3700 Fax 402-555-3701").
        shouted = shouting and word.isupper() and len(word) > 1 and _is_cue_word(word)
        if shouted or _number_after_number(value, at):
            yield caption, value[:at]
            yield from _prefix_captions(value[at:])
            return
    yield caption, value


def _number_after_number(value: list[Word], at: int) -> bool:
    """Whether the word at ``at`` captions a number of its own right after a number: "Fax"
    in "402-555-3700 Fax 402-555-3701", or in "802-555-0190 / fax 802-555-0191"."""
    word = value[at].text
    back = at - 1
    # Over a separator ("/") or a speck OCR read in the gap between the cells ("_—s-").
    while back > 0 and sum(c.isalnum() for c in value[back].text) <= 1:
        back -= 1
    before = value[back].text
    after = value[at + 1].text if at + 1 < len(value) else ""
    return (
        sum(c.isdigit() for c in before) >= _NUMBER_DIGITS
        and caption_path(word) is not None
        and sum(c.isdigit() for c in after) >= _NUMBER_DIGITS
    )


#: A number's digits at least, before and after a caption between two numbers.
_NUMBER_DIGITS = 7


#: How a number starts: a one-letter caption ("T", "F", "P") is one only before a number.
_NUMBER_START = "0123456789("


def _is_heading(printed: list[Word]) -> bool:
    """A band's heading ("SECTION A - ENROLLEE", "1 PATIENT DEMOGRAPHICS"): a short row (or
    cell) with no colon or value, opening in capitals."""
    words = [w.text for w in printed]
    if words and _BOX_NUMBER.fullmatch(words[0]):
        words = words[1:]
    text = " ".join(words)
    return (
        0 < len(words) <= _MAX_HEADING_WORDS
        and ":" not in text
        and not any(c.isdigit() for c in text)
        and words[0].isupper()
    )


def _caption_text(cell: list[Word]) -> str:
    """A caption cell's words without its box number and its hint ("(MM/DD/YYYY)")."""
    text = _BOX_HEAD.sub("", " ".join(_unblurred(w.text) for w in cell))
    return _CAPTION_LINE_NUMBER.sub("", _HINT.sub(" ", text).strip(" :;"))


#: The number of a caption's line at its end: the "1" of "Address line 1".
_CAPTION_LINE_NUMBER = re.compile(r"(?i)(?<=\bline) \d$|(?<=\baddress) \d$")


@lru_cache(maxsize=_TEXTS_KEPT)
def _unblurred(word: str) -> str:
    """A caption word that mixes letters and digits ("1D card #") as a fax blurred it: its 1
    and 0 are the I and O labels are matched through (a caption's digits end its band)."""
    mixed = any(c.isalpha() for c in word) and any(c.isdigit() for c in word)
    return fold_label(word) if mixed else word


def _caption_cells(page: Page, row: Row) -> list[list[Word]] | None:
    """The cells of a row of captions printed over (or under) their values, or None when the
    row holds values: a digit outside the box numbers, or no cell that names a path."""
    cells = [
        part
        for cell in row_cells(page, row.words)
        for boxed in _at_box_numbers(cell)
        for part in _at_caption_joins(boxed)
    ]
    cells = _numbers_joined(cells)
    if any(len(cell) > _MAX_BAND_CAPTION_WORDS for cell in cells):
        return None  # a sentence, not a caption
    texts = [_caption_text(cell) for cell in cells]
    if any(_holds_value(text) for text in texts):
        return None
    numbered = any(_BOX_HEAD.match(" ".join(w.text for w in cell)) for cell in cells)
    # A letter alone names nothing here: it is a value ("PETERSEN  GRETA  L  F": an
    # initial and a sex) more often than a letterhead's "F" for fax.
    names = [
        (len(text) > 1 and caption_path(text) is not None)
        or _is_date_caption(text)
        or _is_signed_date(text)
        for text in texts
    ]
    if any(_is_name_list(text) for text in texts):
        return None  # "Name   Marshall, Robert K.": a caption and its value
    dated = any(
        _is_date_caption(t) or _is_signed_date(t) or (caption_path(t) or "").startswith("dates.")
        for t in texts
    )
    if len(cells) == 2 and not (numbered or dated) and any(map(_is_plain_value, texts)):
        # "Insurance   Aetna Medicare": a caption and its value. A signature line's
        # captions ("Physician signature   Date signed") stay a band however OCR reads them.
        return None
    lone_date = len(cells) == 1 and _is_date_caption(texts[0])
    return cells if any(names) and (numbered or len(cells) >= 2 or lone_date) else None


def _numbers_joined(cells: list[list[Word]]) -> list[list[Word]]:
    """Cells with a box number OCR set apart ("1."    "ENROLLEE NAME") joined to its box."""
    out: list[list[Word]] = []
    for cell in cells:
        if out and len(out[-1]) == 1 and _INNER_BOX_NUMBER.fullmatch(out[-1][0].text):
            out[-1] = [*out[-1], *cell]
        else:
            out.append(cell)
    return out


def _holds_value(text: str) -> bool:
    """Whether a cell's text holds a value, not only a caption: a digit, or a colon with
    something after it other than the lower-case rest of a word OCR broke ("insu: auce")."""
    if any(c.isdigit() for c in text):
        return True
    parts = re.split(r"[:;]", text)
    return any(not after.strip().isalpha() or not after.islower() for after in parts[1:])


def _at_box_numbers(cell: list[Word]) -> Iterator[list[Word]]:
    """A cell cut before each box number inside it: "7. STATE 8. ZIP CODE" is two boxes."""
    start = 0
    for at in range(1, len(cell)):
        if _INNER_BOX_NUMBER.fullmatch(cell[at].text):
            yield cell[start:at]
            start = at
    yield cell[start:]


def _at_caption_joins(cell: list[Word]) -> list[list[Word]]:
    """A cell cut where two captions meet that a narrow column gap left joined: "Sex Street
    address" is the sex's column and the street's. Each part must name a path of its own and
    no party ("Patient phone" is one caption: "Patient" names whose phone it is), and a
    wording the label list holds whole stays whole ("Last name")."""
    if _caption_text(cell).lower() in vocabulary().specs:
        return [cell]
    for at in range(1, len(cell)):
        head, tail = _caption_text(cell[:at]), _caption_text(cell[at:])
        paths = caption_path(head), caption_path(tail)
        if (
            None not in paths
            and paths[0] != paths[1]
            and caption_party(head) is None
            and caption_party(tail) is None
        ):
            return [cell[:at], *_at_caption_joins(cell[at:])]
    return [cell]


def _is_name_list(text: str) -> bool:
    """A value listed with commas ("Marshall, Robert K.", "Tulsa, OK"), not a caption's list
    of cue words ("City, State, ZIP")."""
    parts = [part.split() for part in text.split(",")]
    return len(parts) > 1 and any(
        words and words[0][:1].isupper() and not _is_cue_word(words[0]) for words in parts[1:]
    )


def _is_plain_value(text: str) -> bool:
    """Words that name no party and hold a word no caption uses: "Aetna Medicare Advantage",
    not "Date of birth" or "Requesting provider"."""
    words = [w for w in text.split() if any(c.isalnum() for c in w)]
    return caption_party(text) is None and any(not (_is_cue_word(w) or w.islower()) for w in words)


def _is_date_caption(text: str) -> bool:
    return _normal(text).strip() == "date"


def _is_signed_date(text: str) -> bool:
    """A signature line's "Date signed" as a fax blurs it ("Dale signed", "Dote siqned")."""
    words = _normal(text).split()
    return len(words) == len(_SIGNED_DATE) and all(
        word[:1] == want[:1] and SequenceMatcher(None, word, want).ratio() >= _ALIKE
        for word, want in zip(words, _SIGNED_DATE, strict=True)
    )


_SIGNED_DATE = ("date", "signed")
#: How alike a blurred caption word reads to the word it stands for.
_ALIKE = 0.75


def _band_values(
    page: Page,
    rows: list[Row],
    band: list[int],
    bands: dict[int, list[list[Word]]],
    under_values: bool,
) -> Iterator[tuple[str, list[Word], float]]:
    """(caption, value words) for a band of caption rows: each caption's value is the words
    of the value row in its column, up to the next caption's column.

    Boxed forms print the caption over the value; a signature block prints it under the line
    ("PHYSICIAN SIGNATURE   DATE"), so a band that names a signature reads the row above,
    as does every band of a page that prints its captions under their values
    (``under_values``). A caption may wrap onto a row of its own ("Daytime" over "phone"),
    and so may a value ("5848 Hughes" over "Flat Apt. 373").
    """
    cells = sorted((cell for index in band for cell in bands[index]), key=lambda c: c[0].bbox[0])
    signed = any("sign" in _caption_text(cell).lower() for cell in cells)
    if len(cells) == 1 and _is_date_caption(_caption_text(cells[0])) and band[0] >= 2:
        # "Physician signature" / "11/09/2025" / "Date": the date typed over its caption,
        # under the signature's.
        signed = "sign" in rows[band[0] - 2].text.lower()
        if not signed:
            return
    above = signed or under_values
    step = -1 if above else 1
    at = band[0] - 1 if above else band[-1] + 1
    lefts = [cell[0].bbox[0] - _COLUMN_SLACK for cell in cells]
    if not above and 0 <= at < len(rows) and _is_caption_tail(rows[at]):
        for word in rows[at].words:
            cells[_column(lefts, word.bbox[0])].append(word)
        at += 1
    if not 0 <= at < len(rows) or at in bands:
        return
    height = _height(rows[at])
    gap = abs(rows[at].words[0].bbox[1] - rows[at - step].words[0].bbox[1])
    if gap > _MAX_BAND_STEP * height:
        return
    cells = [part for cell in cells for part in _aligned_parts(page, cell, rows[at])]
    lefts = [cell[0].bbox[0] - _COLUMN_SLACK for cell in cells]
    columns: list[list[Word]] = [[] for _ in cells]
    for word in rows[at].words:
        if word.bbox[0] >= lefts[0]:
            columns[_column(lefts, word.bbox[0])].append(word)
    if not above:
        for row in _wrapped_rows(page, rows, at, bands, height):
            placed = [(_column(lefts, w.bbox[0]), w) for w in row.words]
            if any(w.bbox[0] < lefts[0] or not columns[c] for c, w in placed):
                break  # a word outside the values' columns: the band's rows have ended
            for column, word in placed:
                columns[column].append(word)
    for cell, words in zip(cells, columns, strict=True):
        caption = _caption_text(cell)
        if words:
            dated = _is_date_caption(caption) or _is_signed_date(caption)
            named = "date signed" if signed and dated else caption
            yield named, words, cell[0].bbox[0]


def _aligned_parts(page: Page, cell: list[Word], values: Row) -> list[list[Word]]:
    """A caption cell cut where a second caption opens over a value of its own.

    OCR sets no gap between two captions printed close ("phone Cert #"), but a table's
    values start where their captions start: when the cell's first word and a capitalised
    word inside it each sit over a value's first word (one a column gap sets apart: "2025"
    of "19 Nov 2025" is none), and the words from there name a path the words before do
    not ("STREET ADDRESS" is one caption), they are two columns.
    """
    words = [w for w in values.words if any(c.isalnum() for c in w.text)]
    starts = [
        w.bbox[0] for at, w in enumerate(words) if at == 0 or is_column_gap(page, words[at - 1], w)
    ]

    def aligned(word: Word) -> bool:
        return any(abs(x - word.bbox[0]) <= _ALIGNED for x in starts)

    if not aligned(cell[0]):
        return [cell]
    for at in range(1, len(cell)):
        tail = cell[at:]
        if cell[at].text[:1].isupper() and aligned(cell[at]):
            path = caption_path(_caption_text(tail))
            if path is not None and path != caption_path(_caption_text(cell[:at])):
                return [cell[:at], *_aligned_parts(page, tail, values)]
    return [cell]


#: How far apart, as a share of the page's width, a caption's and its value's left edges
#: may be and still be one column's: a table sets both at the column's margin.
_ALIGNED = 0.004


def _names_a_path(page: Page, row: Row) -> bool:
    """Whether a row is captions of its own: boxed ("5. STREET ADDRESS") or two or more
    that name paths ("Street address  City"); one word such as "Medicaid" is a value."""
    cells = list(row_cells(page, row.words))
    named = sum(caption_path(_caption_text(cell)) is not None for cell in cells)
    return named > 1 or any(_INNER_BOX_NUMBER.fullmatch(cell[0].text) for cell in cells)


def _column(lefts: list[float], x0: float) -> int:
    """The column a word starting at ``x0`` falls in: the last whose left edge it passes."""
    return max((i for i, left in enumerate(lefts) if left <= x0), default=0)


def _is_caption_tail(row: Row) -> bool:
    """A row continuing the captions above it: only lower-case words ("phone", "of birth")."""
    return all(w.text.isalpha() and w.text.islower() for w in row.words)


def _wrapped_rows(
    page: Page, rows: list[Row], at: int, bands: dict[int, list[list[Word]]], height: float
) -> Iterator[Row]:
    """The rows after a band's value row that continue its values: set as close as the lines
    of one cell, with no colon and no caption of their own."""
    below = at + 1
    while below < len(rows) and below not in bands:
        row = rows[below]
        if row.words[0].bbox[1] - rows[below - 1].words[0].bbox[1] > _MAX_WRAP_STEP * height:
            return
        if ":" in row.text or _is_heading(row.words) or _names_a_path(page, row):
            return
        yield row
        below += 1


def captioned_values(pages: Sequence[Page]) -> list[Captioned]:
    """Every captioned value whose caption's cues name a path its party may fill."""
    out: list[Captioned] = []
    #: Addresses known by their shape alone: a street over "City, ST 12345", in the member's
    #: part of the page (after the member's first value, in no other party's section).
    shaped: list[Captioned] = []
    for page in pages:
        section: Party | None = None
        page_first = len(out)
        header = {i for i, line in enumerate(page.lines) if is_fax_header_line(page, line)}
        # The fax machine's stamp: its number is the sending machine's, its date the send's.
        rows = [r for r in printed_rows(page) if not any(w.line in header for w in r.words)]
        supplied = bool(rows) and has_phrase(rows[0].text, letterhead_words()[0])
        bands = {i: cells for i, row in enumerate(rows) if (cells := _caption_cells(page, row))}
        under_values = values_over_captions(page)
        # Whose box each column of a boxed form holds, from the last caption that said so:
        # a form puts the provider's boxes beside the patient's, under one band heading.
        columns: list[tuple[float, Party]] = []
        #: Headings set side by side over the row below them, which opens their boxes.
        over: list[tuple[float, Party]] = []
        member_seen = False
        #: Whether a supplier's name addresses the letter under its letterhead.
        addressed = False
        for index, row in enumerate(rows):
            if index and not member_seen and _names_office(page, row):
                # A letter's addressee under its letterhead ("Keystone Medical Equipment" /
                # "Attn: Intake" / "Phone ..."): the numbers under an office's name are
                # that office's, a supplier's none of the order's.
                addressed = has_phrase(row.text, letterhead_words()[0])
                supplied = supplied or addressed
                section = None if addressed else section
            out.extend(_names_under(page, row, over))
            over = []
            if _across_columns(page, row, columns):
                # A line printed across a column's start ("Insurance: ... Medicare
                # Advantage   ID: ...") is under the boxes: their columns end above it.
                columns = []
            columns = _headed_in_row(page, row, columns)
            if not columns and len(out) == page_first:
                columns = _beside_letterhead(page, row)
            signed, signer = _signer(bands.get(index, []))
            lead = _lead_party(row)
            if len(bands.get(index, [])) == 1 and _is_heading(row.words):
                # A heading across the page ("6 ORDERING / CERTIFYING PHYSICIAN") opens a
                # part of its own: the columns of the parts above it are not its columns.
                section, columns = _heading_columns(page, row, len(out) == page_first)
                over = columns
            if index in bands:
                pairs: Iterator[tuple[str, list[Word], float]] = iter(())
                if index - 1 not in bands:
                    band = [index]
                    while band[-1] + 1 in bands:
                        band.append(band[-1] + 1)
                    pairs = _band_values(page, rows, band, bands, under_values)
                # A band may hold a caption beside its value too ("... | Name | Ray Holland"),
                # but the next caption is no value ("city STATE | ZIP").
                beside = (
                    pair for pair in _row_captions(page, row) if not _is_bare_caption(pair[1])
                )
                pairs = chain(beside, pairs)
            elif _is_heading(row.words) or _numbered_headings(page, row):
                section, columns = _heading_columns(page, row, len(out) == page_first)
                over = columns
                continue
            else:
                pairs = _row_captions(page, row)
            before: str | None = None
            #: The parties a band's captions name, by where each caption starts.
            named = [
                (cell[0].bbox[0], party)
                for cell in bands.get(index, [])
                if (party := caption_party(_caption_text(cell))) is not None
            ]
            for caption, words, x0 in pairs:
                if caption_path(caption) is None:
                    # An unread caption's cell neither ends the address's columns nor, unless
                    # its value has a state's or a ZIP's shape, goes on with them.
                    if _continues_locality(before, words):
                        out.append(Captioned(_LOCALITY_PATH, caption, words, page, True, True))
                    continue
                before = caption_path(caption)
                party = caption_party(caption)
                if party is not None:
                    if index in bands or member_seen:
                        # A title over the order ("PHYSICIAN DISCHARGE ORDERS") is no column's.
                        columns = [(x, p) for x, p in columns if abs(x - x0) > _COLUMN_SLACK]
                        reach = words[-1].bbox[2] if words else x0
                        columns = [*crossed_columns(columns, x0, reach, party), (x0, party)]
                elif signed:
                    party = signer
                else:
                    party = lead or _row_party(named, x0) or _column_party(columns, x0)
                path = caption_path(caption, party or section)
                contact = path in _CONTACT or (addressed and path in _NUMBERS)
                if party is None and section is None and contact and not member_seen:
                    # Above the member's first value a phone or an address is the
                    # letterhead's: the sending office's, a supplier's none of the order's.
                    party = "other" if supplied else "clinician"
                    path = caption_path(caption, party)
                shared = _slashed_pair(caption, words, party or section)
                for each, value in shared or [(path, words)]:
                    if each is not None and _fits_party(each, party, section):
                        placed = (party or section) not in (None, "other")
                        out.append(Captioned(each, caption, value, page, placed))
                        member_seen = member_seen or each in _MEMBER_IDENTITY
            if member_seen and section in (None, "member"):
                # The next row may be another column's, set between this one and the next.
                for below in rows[index + 1 : index + 3]:
                    street = _street_over_locality(page, row, below)
                    if street is not None:
                        whose = (
                            _street_party(row, street),
                            _column_party(columns, street[0].bbox[0]),
                        )
                        if set(whose) <= {None, "member"}:
                            shaped.append(Captioned("member.address", "", street, page))
                        break
                # A band's value row is read by its columns, which a wrapped cell spoils
                # for a reading across the row.
                one_row = None if index - 1 in bands else _street_and_locality(row)
                below_row = rows[index + 1] if index + 1 < len(rows) else None
                if (
                    one_row is not None
                    and _column_party(columns, one_row[0].bbox[0]) in (None, "member")
                    # "PHYSICIAN NAME, ADDRESS: ..., 3535 Olentangy River Rd, ...": another's.
                    and _street_party(row, one_row) in (None, "member")
                    and not (below_row is not None and _wraps_into(row, one_row, below_row))
                ):
                    shaped.append(Captioned("member.address", "", one_row, page))
    # Last, so that an address under a caption is read first.
    return out + shaped


def _continues_locality(before: str | None, words: list[Word]) -> bool:
    """Whether a value under a caption OCR garbled is its row's next part of the member's
    address: after the street's or the town's column, a state's code, a ZIP or both ("st
    zip" read as "stomp" over "CA 90101"). A town is not taken so: any word may be one."""
    if before not in ("member.address", _LOCALITY_PATH):
        return False
    text = " ".join(w.text for w in words).strip(_CELL_MARKS)
    state, _, postal = text.rpartition(" ")
    if not state:
        state, postal = (text, "") if text in STATES else ("", text)
    return (not state or state in STATES) and (not postal or bool(_ZIP_WORD.fullmatch(postal)))


_LOCALITY_PATH = "member.address.locality"
#: A cell's rules and specks around its value: "| 61462 |", "IL |".
_CELL_MARKS = " |[]!'\".,"


def _lead_party(row: Row) -> Party | None:
    """The other party, when a row opens with a caption naming one ("Send to:", "Supplier:"):
    the numbers it goes on to print under captions of no party ("... fax 512 261-9166") are
    that party's too. A row opening with the member's or clinician's caption says nothing of
    the captions after it, which a form sets in columns of their own."""
    words: list[str] = []
    for word in row.words[:_MAX_CAPTION_WORDS]:
        words.append(word.text)
        if word.text.endswith(":"):
            return "other" if caption_party(" ".join(words)) == "other" else None
    return None


def _signer(cells: list[list[Word]]) -> tuple[bool, Party | None]:
    """Whether a band of captions is a signature line's ("REQUESTING PROVIDER SIGNATURE
    DATE"), and whose signature it names. A signature line runs under the form's boxes: its
    captions are the signer's, not those of the box of another party above them in their
    column (a servicing provider's, a reviewer's)."""
    texts = [_caption_text(cell) for cell in cells]
    if not any("sign" in text.lower() for text in texts):
        return False, None
    parties = {party for text in texts if (party := caption_party(text)) is not None}
    return True, parties.pop() if len(parties) == 1 else None


def _slashed_pair(
    caption: str, words: list[Word], party: Party | None
) -> list[tuple[str | None, list[Word]]] | None:
    """Each of two values a slash parts ("802-555-4400 / 802-555-4401") under a caption that
    names two paths a slash parts ("OFFICE PHONE / FAX"), with its path; None for any other
    cell (the caption names one path, or the value is not in two)."""
    heads = [head for head in caption.split("/") if head.strip()]
    cuts = [i for i, word in enumerate(words) if word.text == "/"]
    if len(heads) != 2 or len(cuts) != 1 or not 0 < cuts[0] < len(words) - 1:
        return None
    paths = [caption_path(head, party) for head in heads]
    if None in paths or paths[0] == paths[1]:
        return None
    return [(paths[0], words[: cuts[0]]), (paths[1], words[cuts[0] + 1 :])]


def _street_party(row: Row, street: list[Word]) -> Party | None:
    """Whose a street is by the captions before it on its row: "Supplier: 12 Elm St" is
    another party's, while "Street: 12 Elm St" beside a prescriber's "Office Fax:" in the
    next column is no one's but the member's part of the page."""
    return caption_party(" ".join(w.text for w in row.words if w.bbox[0] < street[0].bbox[0]))


def _street_over_locality(page: Page, row: Row, below: Row) -> list[Word] | None:
    """The words of a street on ``row`` (a house number, then words, to its cell's end or a
    colon) with the "City, ST 12345" printed under it, or None."""
    if below.words[0].bbox[1] - row.words[0].bbox[1] > _MAX_BAND_STEP * _height(row):
        return None
    for cell in row_cells(page, row.words):
        start = next((i for i, w in enumerate(cell) if _HOUSE_NUMBER.fullmatch(w.text)), None)
        if start is None:
            continue
        street = list(takewhile(lambda w: ":" not in w.text or is_unit_colon(w.text), cell[start:]))
        x0 = street[0].bbox[0]
        # The town is the cell under the street, however far it runs past the street's end
        # (a speck may open it left of the street: the longest town-shaped end is taken).
        locality = [
            word
            for cell in row_cells(page, below.words)
            if cell[0].bbox[0] < street[-1].bbox[2] and cell[-1].bbox[2] > x0 - _COLUMN_REACH / 4
            for word in cell
        ]
        if len(street) < 2:
            continue
        # A speck or a cell's rule read as a mark or a word ("we", "”") may lead the
        # town: the longest run of words that ends the row and reads as one is the town.
        for start in range(len(locality)):
            if _LOCALITY.fullmatch(" ".join(w.text for w in locality[start:])):
                return [*street, *locality[start:]]
    return None


def _street_and_locality(row: Row) -> list[Word] | None:
    """The words of a street and its town, state and ZIP printed along one row, from a house
    number to the ZIP ("12 Elm Rd, Dover, DE 19901", "12 Elm Rd city Dover st DE zip 19901"),
    whatever OCR made of the caption before it; None when the row holds none. A colon
    caption between them ("Cell:") ends the run: the ZIP must come first."""
    words = row.words
    for start, word in enumerate(words[:-1]):
        # A street's name is capitalised: "28 per diem" is a quantity, "1 11121 Elm" a
        # caption's line number before the house number.
        named = words[start + 1].text[:1].isupper()
        if not _HOUSE_NUMBER.fullmatch(word.text) or not named:
            continue
        for end in range(start + 1, min(len(words), start + _MAX_ONE_ROW_WORDS)):
            text = words[end].text
            if text.endswith(":") and is_caption_word(text):
                break
            if _ZIP_WORD.fullmatch(text) and end - start > _MIN_STREET_AND_TOWN:
                return words[start : end + 1]
    return None


def _wraps_into(row: Row, span: list[Word], below: Row) -> bool:
    """Whether the row under a one-row address continues its cells: a table's cell wrapped
    ("9843 Vanessa" over "Forges"), so the row holds only part of the street and town.
    A row of its own starts where the rows of the form start; a wrapped cell's words start
    further right, under the address."""
    words = [w for w in below.words if any(c.isalnum() for c in w.text)]
    step = below.words[0].bbox[1] - row.words[0].bbox[1]
    if not words or step > _MAX_BAND_STEP * _height(row):
        return False
    first = words[0].bbox[0]
    indented = first > row.words[0].bbox[0] + _COLUMN_SLACK
    return indented and span[0].bbox[0] - _COLUMN_SLACK <= first < span[-1].bbox[0]


#: A ZIP as a word of its own, maybe with its +4 and a trailing mark: "48533.", "12205-6345".
_ZIP_WORD = re.compile(r"\d{5}(?:-\d{4})?[.,;]?")
#: Words between a house number and a ZIP: a street's name and type and a town, at least.
_MIN_STREET_AND_TOWN = 3
#: The most words from a house number to its ZIP: a long street, a unit and a town's name.
_MAX_ONE_ROW_WORDS = 16


def _height(row: Row) -> float:
    return max(w.bbox[3] - w.bbox[1] for w in row.words)


#: A street's house number: digits, maybe a letter ("12B"). A number of three digits or
#: more may carry a mark OCR made of a speck ("758. Anne Stravenue"); one or two digits with
#: a point are a list's item number ("2. Home infusion per diem").
_HOUSE_NUMBER = re.compile(r"\d{1,6}[A-Z]?|\d{3,6}[.,]")
#: A town, its state and ZIP on a line of their own: "Amberland, AK 99914".
_LOCALITY = re.compile(r"[A-Z][A-Za-z.'\- ]+,? [A-Z]{2}\.? \d{5}(?:-\d{4})?")


#: Contact values any party prints, and the values that say the member's part has begun.
_CONTACT = frozenset({"member.phone", "member.address"})
#: The numbers a supplier addressed under the letterhead prints, which are its own.
_NUMBERS = frozenset({"clinician.phone", "clinician.fax"})
_MEMBER_IDENTITY = frozenset({"member.name", "member.dob", "member.member_id", "member.sex"})


def _is_bare_caption(words: list[Word]) -> bool:
    """Words that only name a path, with no value: "ZIP", "MEMBER ID". A lone letter is an
    answer ("F" beside "Sex"), whatever caption it could abbreviate."""
    text = _caption_text(words)
    return len(text) > 1 and not _holds_value(text) and caption_path(text) is not None


def _row_party(named: list[tuple[float, Party]], x0: float) -> Party | None:
    """The party a caption of no party takes from its band of captions: that of the nearest
    caption left of it that names one. A form's row of boxes holds one party's ("ORDERING
    PHYSICIAN | NPI | PHONE"), whatever party the box above each held."""
    left = [(x, party) for x, party in named if x < x0]
    return max(left)[1] if left else None


def _across_columns(page: Page, row: Row, columns: list[tuple[float, Party]]) -> bool:
    """Whether a cell of the row runs across the start of a column right of its own."""
    if not columns:
        return False  # most rows of most pages: no need to cut them into cells
    starts = [start for start, _ in columns]
    return any(
        cell[0].bbox[0] + _COLUMN_SLACK < start < cell[-1].bbox[2] - _COLUMN_SLACK
        for cell in row_cells(page, row.words)
        for start in starts
    )


def _heading_columns(
    page: Page, row: Row, opening: bool
) -> tuple[Party | None, list[tuple[float, Party]]]:
    """The part of the page a heading opens, as a section or as columns: headings set side
    by side over boxes of their own ("FROM (prescriber)      FOR (patient)") head a column
    each, not one section."""
    heads = [
        (cell[0].bbox[0], party)
        for cell in row_cells(page, row.words)
        if (party := caption_party(" ".join(w.text for w in cell))) is not None
    ]
    if len({party for _, party in heads}) > 1:
        return None, heads
    return _heading_party(row.text, opening), []


def _names_office(page: Page, row: Row) -> bool:
    """Whether a row is an office's name alone: one cell of capitalised words, no caption,
    no number."""
    text = row.text
    return (
        ":" not in text
        and len(list(row_cells(page, row.words))) == 1
        and not any(c.isdigit() for c in text)
        and all(w.text[:1].isupper() or not w.text[:1].isalpha() for w in row.words)
        and has_phrase(text, office_words())
    )


def _numbered_headings(page: Page, row: Row) -> bool:
    """Whether a row is headings set side by side, each numbered as its box ("A1.
    BENEFICIARY    A2. SUPPLIER (DMEPOS)"), that name different parties."""
    cells = list(row_cells(page, row.words))
    if len(cells) < 2 or not all(_is_heading(cell) for cell in cells):
        return False
    return len({caption_party(" ".join(w.text for w in cell)) for cell in cells} - {None}) > 1


def _headed_in_row(
    page: Page, row: Row, columns: list[tuple[float, Party]]
) -> list[tuple[float, Party]]:
    """The columns after a heading printed in one of them, beside another column's values
    ("City/State/ZIP: ...    A3. ORDERING PHYSICIAN"): the column holds that party's box
    from there down."""
    if not columns:
        return columns  # no columns side by side: a heading spans the page, read as a row
    for cell in list(row_cells(page, row.words))[1:]:
        text = " ".join(w.text for w in cell)
        party = caption_party(text)
        if party is None or not _is_heading(cell):
            continue
        x0 = cell[0].bbox[0]
        columns = [(x, p) for x, p in columns if abs(x - x0) > _COLUMN_SLACK]
        columns = sorted([*columns, (x0, party)])
    return columns


def _beside_letterhead(page: Page, row: Row) -> list[tuple[float, Party]]:
    """The columns of the patient's box set beside the letterhead, its heading or its first
    caption level with the office's name ("Sunrise Family Medicine        PATIENT", "...
    Medicine    Patient: Eleanor V. Pruitt"): the office's street, phone and fax stand left
    of the box, in the same printed rows. The office's column is the
    clinician's, or another party's for a supplier's letterhead; [] for any other row."""
    cells = list(row_cells(page, row.words))
    if len(cells) != _OFFICE_AND_HEADING:
        return []
    office, heading = (" ".join(w.text for w in cell) for cell in cells)
    named = caption_party(office) is not None or caption_path(office) is not None
    # The patient's box: a form's title there ("PHYSICIAN DISCHARGE ORDERS") heads the page.
    # It opens with its heading, or with the caption of the patient's name ("Patient: ...").
    caption = heading.partition(":")[0] if ":" in heading else None
    if caption is not None:
        box = caption_party(caption) if len(caption.split()) <= _MAX_HEADING_WORDS else None
    else:
        box = _heading_party(heading, True) if _is_heading(cells[1]) else None
    if named or box != "member":
        return []
    whose: Party = "other" if has_phrase(office, letterhead_words()[0]) else "clinician"
    return [(cells[0][0].bbox[0], whose), (cells[1][0].bbox[0], "member")]


#: A letterhead's first row with a box's heading beside it: the office's name and the heading.
_OFFICE_AND_HEADING = 2


def _names_under(page: Page, row: Row, heads: list[tuple[float, Party]]) -> Iterator[Captioned]:
    """The first line of each box under headings set side by side names whose box it is:
    "Gideon Achterberg, MD" under "FROM (prescriber)", "Nakamura, Emiko" under "FOR
    (patient)". A line with a caption of its own is no name."""
    if not heads:
        return
    for cell in row_cells(page, row.words):
        party = _column_party(heads, cell[0].bbox[0])
        if party in ("member", "clinician") and not any(w.text.endswith(":") for w in cell):
            yield Captioned(f"{party}.name", "", cell, page, True)


def _heading_party(text: str, opening: bool) -> Party | None:
    """The party whose part of the page a heading opens; none for the form's title
    ("SUNBELT MEDICAL SUPPLY - PHYSICIAN ORDER FORM" heads the whole order), nor for a
    supplier's or agency's name over the page's first value ("CASCADE HOME INFUSION
    PHARMACY"): that is whose form it is, and the form holds the patient's values."""
    party = None if has_phrase(text, letterhead_words()[1]) else caption_party(text)
    return None if opening and party == "other" else party


def _column_party(columns: list[tuple[float, Party]], x0: float) -> Party | None:
    """The party of the nearest column at or left of ``x0``, when one is that close."""
    near = [(x0 - x, party) for x, party in columns if -_COLUMN_SLACK <= x0 - x <= _COLUMN_REACH]
    return min(near)[1] if near else None


#: A caption inherits its column's party when it starts within this much right of it.
_COLUMN_REACH = 0.25
