"""Read a US postal address from OCR'd fax text, on one line or several.

``usaddress`` labels the parts; this module decides which labels make up each line,
checks the state and ZIP, and refuses text whose parts it cannot tell apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import usaddress

from extractors.normalize.ocr_digits import repair_digit_runs
from extractors.normalize.us_states import state_code, zip_fits_state

#: Note on an address whose ZIP lies outside the prefixes its state uses.
POSTAL_MISMATCH = "postal_mismatch"

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
_VALUE_EDGES = " \t\r\n,;"
_STREET_PL = re.compile(r"(?<=[a-z] )PI(?=[ ,]|$)", re.MULTILINE)


@dataclass(frozen=True)
class Address:
    line1: str
    line2: str | None
    city: str
    state: str
    postal_code: str
    notes: tuple[str, ...] = ()


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


def parse_address(text: str) -> Address | None:
    """Return the address in ``text``, or None if street, city, state or ZIP is missing.

    A ZIP outside its state's ZIP prefixes is kept, with a ``postal_mismatch`` note.
    """
    # OCR reads the l of the street type "Pl" as I: "5267 Ridge PI".
    tagged = _tag(_STREET_PL.sub("Pl", repair_digit_runs(text)))
    if tagged is None:
        return None
    line1 = _join(tagged, LINE1_LABELS)
    city = tagged.get(CITY_LABEL, "")
    state = state_code(tagged.get(STATE_LABEL, ""))
    zip_match = _ZIP.fullmatch(tagged.get(ZIP_LABEL, ""))
    if not line1 or not city or state is None or zip_match is None:
        return None
    postal_code = zip_match["zip5"]
    notes = () if zip_fits_state(postal_code, state) else (POSTAL_MISMATCH,)
    # usaddress splits "#101" into type "#" and identifier "101": print it as written.
    line2 = re.sub(r"#\s+(?=\w)", "#", _join(tagged, LINE2_LABELS)) or None
    return Address(
        line1=line1,
        line2=line2,
        city=city,
        state=state,
        postal_code=postal_code,
        notes=notes,
    )
