"""Read a US postal address from OCR'd fax text, on one line or several.

``usaddress`` labels the parts; this module decides which labels make up each line,
checks the state and ZIP, and refuses text whose parts it cannot tell apart. The result is
the contract's own ``Address``; whether its ZIP lies in its state is a rule's question
(``zip_fits_state``), flagged for the clerk rather than refused here. A state the fax lost
or left unreadable ("Jamesfort W 24943") is the one its ZIP's prefix belongs to; the page
then does not print the state given, and the confidence rules ask the clerk to check it.
"""

from __future__ import annotations

import re
import unicodedata

import usaddress

from extractors.normalize.lookalikes import as_digit, digit_class
from extractors.normalize.ocr_digits import repair_digit_runs
from extractors.normalize.us_states import state_code, state_of_zip
from extractors.referral import Address

__all__ = ["Address", "parse_address"]

# usaddress labels, by the address line they belong to. Labels not listed here
# (Recipient, NotAddress, LandmarkName, ...) are left out of the address.
LINE1_LABELS = frozenset(
    {
        "AddressNumberPrefix",
        "AddressNumber",
        "AddressNumberSuffix",
        "StreetNamePreModifier",
        "StreetNamePreDirectional",
        "StreetNamePreType",
        "StreetName",
        "StreetNamePostType",
        "StreetNamePostDirectional",
        "USPSBoxType",
        "USPSBoxID",
        "USPSBoxGroupType",
        "USPSBoxGroupID",
    }
)
LINE2_LABELS = frozenset(
    {
        "OccupancyType",
        "OccupancyIdentifier",
        "SubaddressType",
        "SubaddressIdentifier",
        "BuildingName",
    }
)
CITY_LABEL = "PlaceName"
STATE_LABEL = "StateName"
ZIP_LABEL = "ZipCode"

# ZIP+4 is accepted and cut to five digits: intake records store five.
_ZIP = re.compile(r"(?P<zip5>\d{5})(?:[ \t]*-?[ \t]*\d{4})?")
#: A ZIP standing alone, not the head of a longer run of digits.
_ALONE_ZIP = re.compile(rf"(?<!\d){_ZIP.pattern}(?!\d)")
_VALUE_EDGES = " \t\r\n,;"
#: A state code is two letters; a longer word tagged as the state is no code OCR damaged
#: ("zip" of an inline caption), so its ZIP does not stand in for it.
_STATE_CHARS = 2
#: Marks OCR sets against a state code: "{FL", "NY.".
_STATE_MARKS = re.compile(r"[^A-Za-z0-9 ]")
_STREET_PL = re.compile(r"(?<=[a-z] )PI(?=[ ,]|$)", re.MULTILINE)
#: Fax damage around a state and ZIP: "SC.29637", "NY. 12200- 6345", "NY 122 56-4618".
_STATE_ZIP = re.compile(
    r"\b(?P<state>[A-Z]{2})[.,]?\s*(?P<head>\d{3})\s?(?P<tail>\d{2})(?:\s?-\s?(?P<plus4>\d{4}))?\b"
)
#: A speck read as a dot between a unit and its number: "Suite.101", "Apt.3F"; or as a
#: dash after the abbreviation's dot: "Apt.-164".
_UNIT_WORD_DOT = re.compile(r"\b(Suite|Unit|Lot|Building|Room|Floor)\.(?=[0-9A-Z])")
_UNIT_ABBREVIATION_DOT = re.compile(r"\b(Apt|Ste|Bldg|Rm|Fl)\.-?(?=[0-9A-Z])")
#: A unit's abbreviation whose dot OCR read as a colon: "Apt: 610".
_UNIT_COLON_WORD = r"(Apt|Ste|Bldg|Rm|Fl|Suite|Unit)[:;]"
_UNIT_COLON = re.compile(rf"\b{_UNIT_COLON_WORD}(?=\s*[0-9A-Z])")
#: A house number run into its street's name where OCR lost the space: "029Shelly Canyon".
_NUMBER_GLUED = re.compile(r"^(\s*\d+)(?=[A-Z][a-z])", re.MULTILINE)
#: A mark glued to the house number: "7348: Sunset Pl", "832:°E Martin Luther King Dr".
_NUMBER_MARK = re.compile(r"^(\s*\d+)[:;.,'\u2019\u00b0]+\s*(?=[A-Z\s])", re.MULTILINE)
#: A glyph before a digit that an address can only mean as a digit ("Apt. $75").
_ADDRESS_DIGIT = re.compile(rf"[{digit_class('address')}](?=\d)")


#: A town's first letter OCR set apart from the rest of its word ("J ameschester, TX
#: 76472"): a town's words are capitalised, so a lone capital before a lower-case word on
#: the line of the state and ZIP is that word's.
#: A form's row may print the town, the state and the ZIP in columns of their own, read as
#: lines of their own ("J oséphville" / "FL" / "32655").
_CAPITAL_APART = re.compile(r"\b([A-Z]) (?=[a-z]{2}[^\n\d]*\n?\s*\b[A-Z]{2}\.?\s?\d{5})")


def _unaccented(text: str) -> str:
    """``text`` without accents: a US postal address prints none (USPS Publication 28), so
    an accent on a fax's letter ("Joséphville") is a speck OCR read over it."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _mended(text: str) -> str:
    """``text`` with the fax's damage to house numbers, units, states and ZIP codes undone."""
    text = _NUMBER_MARK.sub(r"\1 ", _unaccented(text))
    text = _NUMBER_GLUED.sub(r"\1 ", text)
    text = _UNIT_COLON.sub(r"\1.", text)
    text = _UNIT_WORD_DOT.sub(r"\1 ", text)
    text = _UNIT_ABBREVIATION_DOT.sub(r"\1. ", text)
    text = _CAPITAL_APART.sub(r"\1", text)

    def state_zip(match: re.Match[str]) -> str:
        plus4 = f"-{match['plus4']}" if match["plus4"] else ""
        return f"{match['state']} {match['head']}{match['tail']}{plus4}"

    return _STATE_ZIP.sub(state_zip, text)


def _tag(text: str) -> dict[str, str] | None:
    # Newlines confuse usaddress's tokenizer (it keeps them on tokens); a comma marks
    # the same boundary in a way it was trained on.
    one_line = ", ".join(line.strip() for line in text.splitlines() if line.strip())
    try:
        tagged, _kind = usaddress.tag(one_line)
    except usaddress.RepeatedLabelError:
        # Two street numbers, two cities...: the text holds more than one address, or
        # OCR noise usaddress read as address parts. Either way no part can be trusted.
        return None
    return {label: str(value).strip(_VALUE_EDGES) for label, value in tagged.items()}


def _join(tagged: dict[str, str], labels: frozenset[str]) -> str:
    return " ".join(value for label, value in tagged.items() if label in labels and value)


def _on_street_line(text: str, tagged: dict[str, str], unit: str) -> bool:
    """Whether the unit is printed on the same line as the street's number."""
    number = tagged.get("AddressNumber", "")
    tail = unit.split()[-1].strip(".#")
    for line in text.splitlines():
        if number and number in line:
            return tail in line[line.index(number) + len(number) :]
    return True


def _state(printed: str, postal_code: str) -> str | None:
    """The state printed, or, when the fax lost it or left it unreadable ("Ik", "W", none),
    the one state the ZIP's prefix belongs to."""
    bare = _STATE_MARKS.sub("", printed).strip()
    code = state_code(bare)
    if code is not None or len(bare.replace(" ", "")) > _STATE_CHARS:
        return code
    return state_of_zip(postal_code)


#: A hyphen OCR left at a town's end ("Jameston-"): no town's name ends in one.
_CITY_TAIL_MARKS = re.compile(r"-+$")


def parse_address(text: str) -> Address | None:
    """Return the address in ``text``, or None if street, city, state or ZIP is missing.

    A ZIP outside its state's ZIP prefixes is kept: the rules flag it. A state lost or
    unreadable is taken from the ZIP, when its prefix is one state's.
    """
    text = _ADDRESS_DIGIT.sub(lambda glyph: as_digit(glyph[0], group="address") or "", text)
    # OCR reads the l of the street type "Pl" as I: "5267 Ridge PI".
    tagged = _tag(_STREET_PL.sub("Pl", _through_zip(_mended(repair_digit_runs(text)))))
    if tagged is None:
        return None
    line1 = _join(tagged, LINE1_LABELS)
    city = _CITY_TAIL_MARKS.sub("", tagged.get(CITY_LABEL, ""))
    zip_match = _ZIP.fullmatch(tagged.get(ZIP_LABEL, ""))
    if not line1 or not city or zip_match is None:
        return None
    postal_code = zip_match["zip5"]
    state = _state(tagged.get(STATE_LABEL, ""), postal_code)
    if state is None:
        return None
    # usaddress splits "#101" into type "#" and identifier "101": print it as written.
    line2 = re.sub(r"#\s+(?=\w)", "#", _join(tagged, LINE2_LABELS)) or None
    if line2 is not None and len(line2) < 3 and not any(c.isdigit() for c in line2):
        line2 = None  # a speck usaddress took for a unit ("a"): a unit has a type or a number
    if line2 is not None and any(c.isdigit() for c in line2.split()[-1]):
        line2 = line2.rstrip(".")  # "Unit 3F.": no abbreviation ends a unit's number
    if line2 is not None and _on_street_line(text, tagged, line2):
        # Printed on the street's line, the unit is part of the delivery line, as USPS
        # writes it ("102 Main St Apt 4"); only a unit on a line of its own is line 2.
        line1, line2 = f"{line1} {line2}", None
    return Address(
        line1=line1,
        line2=line2,
        city=city,
        state=state,
        postal_code=postal_code,
    )


def _through_zip(text: str) -> str:
    """The text up to its state and ZIP, which end a US address: what a sentence or a line
    goes on with ("ME 04074 (telephone 207-555-0165)") is another value, which usaddress
    would add to the street."""
    end = _STATE_ZIP.search(text)
    return text[: end.end()] if end is not None else text


def is_unit_colon(word: str) -> bool:
    """Whether a word is a unit's abbreviation read with a colon ("Apt:"), not a caption."""
    return re.fullmatch(_UNIT_COLON_WORD, word) is not None


def zip_code(text: str) -> str | None:
    """The five digits of the first ZIP (or ZIP+4) standing alone in ``text``."""
    match = _ALONE_ZIP.search(text)
    return match.group("zip5") if match else None
