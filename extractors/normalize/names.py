"""Split a person's name from a fax (patient, physician, nurse) into its parts.

Handles "First Middle Last", "Last, First Middle" and, where census name shares say so,
"Last First" with no comma; drops courtesy titles and collects credentials and
generational suffixes that follow the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.normalize.name_frequencies import given_name_lean

TITLES = frozenset({"dr", "doctor", "mr", "mrs", "ms", "miss", "mx", "prof", "professor"})

# Keyed by the spelling with dots, dashes and slashes removed and upper-cased, so "M.D.",
# "PA-C" and "OTR/L" match however the sender punctuated them.
CREDENTIALS: dict[str, str] = {
    "MD": "MD",
    "DO": "DO",
    "MBBS": "MBBS",
    "NP": "NP",
    "NPC": "NP-C",
    "ARNP": "ARNP",
    "PMHNP": "PMHNP",
    "AGACNP": "AGACNP",
    "ANPBC": "ANP-BC",
    "CNP": "CNP",
    "CRNP": "CRNP",
    "FNP": "FNP",
    "FNPC": "FNP-C",
    "FNPBC": "FNP-BC",
    "ANP": "ANP",
    "AGNP": "AGNP",
    "AGPCNP": "AGPCNP",
    "ACNP": "ACNP",
    "APRN": "APRN",
    "APN": "APN",
    "DNP": "DNP",
    "CNS": "CNS",
    "PA": "PA",
    "PAC": "PA-C",
    "RN": "RN",
    "LPN": "LPN",
    "BSN": "BSN",
    "MSN": "MSN",
    "DPM": "DPM",
    "PHD": "PhD",
    "PT": "PT",
    "DPT": "DPT",
    "OT": "OT",
    "OTR": "OTR",
    "OTRL": "OTR/L",
    "SLP": "SLP",
    "CCCSLP": "CCC-SLP",
    "MPH": "MPH",
    "FACP": "FACP",
    "FAAFP": "FAAFP",
    "FACC": "FACC",
    "CWS": "CWS",
    "CWCN": "CWCN",
    "CWON": "CWON",
}
# Credentials that are also surnames ("Minh Do", "John Pa"): taken as a credential only
# when written in capitals and when a first and last name would still remain.
SURNAME_CREDENTIALS = frozenset({"DO", "PA", "PT", "OT"})

SUFFIXES: dict[str, str] = {"jr": "Jr", "sr": "Sr", "ii": "II", "iii": "III", "iv": "IV"}

# Lower-case words that belong to the surname that follows them ("de la Cruz").
SURNAME_PARTICLES = frozenset({"de", "del", "della", "der", "la", "le", "van", "von", "da", "di"})

_WORD_EDGE_MARKS = ".,;:"
_CREDENTIAL_NOISE = re.compile(r"[.\-/]")


@dataclass(frozen=True)
class PersonName:
    first: str | None
    last: str
    middle: str | None = None
    credentials: tuple[str, ...] = ()
    suffix: str | None = None


@dataclass
class _Token:
    text: str
    segment: int


def _credential(token: str, name_tokens_left: int) -> str | None:
    key = _CREDENTIAL_NOISE.sub("", token).upper()
    if key not in CREDENTIALS:
        return _joined_credentials(token)
    if key in SURNAME_CREDENTIALS and (not token.isupper() or name_tokens_left < 2):
        return None
    return CREDENTIALS[key]


def _joined_credentials(token: str) -> str | None:
    """Credentials printed joined as one ("APRN-CNP", "MD/PhD"), each a known one."""
    parts = _CREDENTIAL_JOINS.split(token)
    keys = [part.replace(".", "").upper() for part in parts[::2]]
    if len(keys) < 2 or not all(key in CREDENTIALS for key in keys):
        return None
    if not token.isupper() and any(key in SURNAME_CREDENTIALS for key in keys):
        return None  # "Do-Pa" is a surname
    return "".join(
        CREDENTIALS[k] + joint for k, joint in zip(keys, [*parts[1::2], ""], strict=True)
    )


#: What joins two credentials printed as one word.
_CREDENTIAL_JOINS = re.compile(r"([-/])")


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for segment, part in enumerate(text.split(",")):
        words = [word.strip(_WORD_EDGE_MARKS) for word in part.split()]
        words = [word for word in words if word]
        # A courtesy title only ever opens a name or the part after "Last,".
        while words and words[0].lower() in TITLES:
            words.pop(0)
        tokens.extend(_Token(word, segment) for word in _rejoined(_unglued(words)))
    return tokens


def _unglued(words: list[str]) -> list[str]:
    """The words with a degree OCR glued to the surname by a hyphen parted from it:
    "Griffin-DO" is "Griffin DO" (no surname ends in a degree in capitals after a name in
    lower case), while "Ruiz-Lopez" is one surname."""
    out: list[str] = []
    for word in words:
        name, hyphen, degree = word.rpartition("-")
        glued = hyphen and name[1:].islower() and degree.rstrip(".") in CREDENTIALS
        out.extend([name, degree] if glued else [word])
    return out


def _rejoined(words: list[str]) -> list[str]:
    """The words with a lone capital joined to the lower-case word after it: no word of a
    name opens in lower case but a particle ("de la Cruz"), so "J ason" is a word OCR broke
    after its first letter, and "J. ason" or "J Ason" are not."""
    out: list[str] = []
    for word in words:
        lone = bool(out) and len(out[-1]) == 1 and out[-1].isupper()
        if lone and word.isalpha() and word.islower() and word not in SURNAME_PARTICLES:
            out[-1] += word
        else:
            out.append(word)
    return out


def _peel_trailing(tokens: list[_Token]) -> tuple[list[_Token], list[str], str | None]:
    """Split credentials and a suffix off the end, returning the name tokens left."""
    tokens = list(tokens)
    credentials: list[str] = []
    suffix = None
    while tokens:
        word = tokens[-1].text
        credential = _credential(word, len(tokens) - 1)
        if credential is None and _board_title(tokens):
            # "Andrew Griffin MD, FCCP": a fellowship or board title the list does not name,
            # after a degree it does, is one more credential, never a given name.
            credential = word.strip(".,")
        if credential is not None:
            credentials.insert(0, credential)
        elif suffix is None and word.lower() in SUFFIXES:
            suffix = SUFFIXES[word.lower()]
        else:
            break
        tokens.pop()
    return tokens, credentials, suffix


#: A board or fellowship title: a short run of capitals ("FCCP", "D-ABSM", "CWS").
_BOARD_TITLE = re.compile(r"[A-Z][A-Z\-]{1,6}")


def _board_title(tokens: list[_Token]) -> bool:
    """Whether the last token is an unlisted title following a listed credential."""
    if len(tokens) < 4 or not _BOARD_TITLE.fullmatch(tokens[-1].text.strip(".,")):
        return False
    return any(_credential(t.text.strip(","), 2) is not None for t in tokens[-3:-1])


def _display(word: str) -> str:
    # Only all-capital words are re-cased: "McDonald" and "DeLuca" are already right.
    if word.isupper() and len(word) > 1:
        return word.title()
    return word


def _attach_particles(words: list[str]) -> tuple[list[str], str]:
    last = words.pop()
    while len(words) > 1 and words[-1].lower() in SURNAME_PARTICLES:
        last = f"{words.pop()} {last}"
    return words, last


#: How much likelier the second word is a given name than the first, in log10 of the census
#: shares, before two words with no comma are read surname first: "Jones Gwendolyn" (6.7)
#: and "Obrien Beth" (5.6) are; "Thomas Lee" (-0.8), "Lee Thomas" (0.8) and "Kelly Jordan"
#: (-0.6), common both ways, keep the printed order.
_SURNAME_FIRST_MARGIN = 2.0


def _surname_first(words: list[str]) -> bool:
    """Whether a name printed without a comma puts the surname first: two words, maybe with
    a middle initial after them ("Fisher Derrick K"), whose census shares say so."""
    initial = len(words) == 3 and len(words[2].rstrip(".")) == 1
    if len(words) != 2 and not initial:
        return False
    return given_name_lean(words[1]) - given_name_lean(words[0]) > _SURNAME_FIRST_MARGIN


def split_person_name(text: str) -> PersonName | None:
    """Return the parts of the name in ``text``, or None if it holds no name at all."""
    tokens, credentials, suffix = _peel_trailing(_tokens(text))
    if not tokens:
        return None
    words = [_display(token.text) for token in tokens]
    if tokens[-1].segment > tokens[0].segment:
        # "Last, First Middle": everything before the first comma is the surname.
        surname_count = sum(token.segment == tokens[0].segment for token in tokens)
        last = " ".join(words[:surname_count])
        given = words[surname_count:]
    elif _surname_first(words):
        last, given = words[0], words[1:]
    else:
        given, last = _attach_particles(words)
    return PersonName(
        first=given[0] if given else None,
        last=last,
        middle=" ".join(given[1:]) or None,
        credentials=tuple(credentials),
        suffix=suffix,
    )
