"""US state, territory and military-post codes, with the ZIP prefixes each one uses.

Prefix ranges are the first three ZIP digits, inclusive. They follow the USPS
allocation closely enough to catch a ZIP that OCR or a typist attached to the wrong
state; a few towns served across a state line fall outside them, so a miss is worth a
second look, not a refusal.
"""

from __future__ import annotations

from typing import NamedTuple


class StateInfo(NamedTuple):
    name: str
    zip_prefixes: tuple[tuple[int, int], ...]


STATES: dict[str, StateInfo] = {
    "AL": StateInfo("Alabama", ((350, 369),)),
    "AK": StateInfo("Alaska", ((995, 999),)),
    "AZ": StateInfo("Arizona", ((850, 865),)),
    "AR": StateInfo("Arkansas", ((716, 729), (755, 755))),
    "CA": StateInfo("California", ((900, 961),)),
    "CO": StateInfo("Colorado", ((800, 816),)),
    "CT": StateInfo("Connecticut", ((60, 69),)),
    "DE": StateInfo("Delaware", ((197, 199),)),
    "DC": StateInfo("District of Columbia", ((200, 205), (569, 569))),
    "FL": StateInfo("Florida", ((320, 349),)),
    "GA": StateInfo("Georgia", ((300, 319), (398, 399))),
    "HI": StateInfo("Hawaii", ((967, 968),)),
    "ID": StateInfo("Idaho", ((832, 838),)),
    "IL": StateInfo("Illinois", ((600, 629),)),
    "IN": StateInfo("Indiana", ((460, 479),)),
    "IA": StateInfo("Iowa", ((500, 528),)),
    "KS": StateInfo("Kansas", ((660, 679),)),
    "KY": StateInfo("Kentucky", ((400, 427),)),
    "LA": StateInfo("Louisiana", ((700, 714),)),
    "ME": StateInfo("Maine", ((39, 49),)),
    "MD": StateInfo("Maryland", ((206, 219),)),
    "MA": StateInfo("Massachusetts", ((10, 27), (55, 55))),
    "MI": StateInfo("Michigan", ((480, 499),)),
    "MN": StateInfo("Minnesota", ((550, 567),)),
    "MS": StateInfo("Mississippi", ((386, 397),)),
    "MO": StateInfo("Missouri", ((630, 658),)),
    "MT": StateInfo("Montana", ((590, 599),)),
    "NE": StateInfo("Nebraska", ((680, 693),)),
    "NV": StateInfo("Nevada", ((889, 898),)),
    "NH": StateInfo("New Hampshire", ((30, 38),)),
    "NJ": StateInfo("New Jersey", ((70, 89),)),
    "NM": StateInfo("New Mexico", ((870, 884),)),
    "NY": StateInfo("New York", ((5, 5), (63, 63), (100, 149))),
    "NC": StateInfo("North Carolina", ((270, 289),)),
    "ND": StateInfo("North Dakota", ((580, 588),)),
    "OH": StateInfo("Ohio", ((430, 459),)),
    "OK": StateInfo("Oklahoma", ((730, 749),)),
    "OR": StateInfo("Oregon", ((970, 979),)),
    "PA": StateInfo("Pennsylvania", ((150, 196),)),
    "RI": StateInfo("Rhode Island", ((28, 29),)),
    "SC": StateInfo("South Carolina", ((290, 299),)),
    "SD": StateInfo("South Dakota", ((570, 577),)),
    "TN": StateInfo("Tennessee", ((370, 385),)),
    "TX": StateInfo("Texas", ((733, 733), (750, 799), (885, 885))),
    "UT": StateInfo("Utah", ((840, 847),)),
    "VT": StateInfo("Vermont", ((50, 54), (56, 59))),
    "VA": StateInfo("Virginia", ((201, 201), (220, 246))),
    "WA": StateInfo("Washington", ((980, 994),)),
    "WV": StateInfo("West Virginia", ((247, 268),)),
    "WI": StateInfo("Wisconsin", ((530, 549),)),
    "WY": StateInfo("Wyoming", ((820, 831), (834, 834))),
    "AS": StateInfo("American Samoa", ((967, 967),)),
    "GU": StateInfo("Guam", ((969, 969),)),
    "MP": StateInfo("Northern Mariana Islands", ((969, 969),)),
    "PR": StateInfo("Puerto Rico", ((6, 7), (9, 9))),
    "VI": StateInfo("U.S. Virgin Islands", ((8, 8),)),
    "FM": StateInfo("Federated States of Micronesia", ((969, 969),)),
    "MH": StateInfo("Marshall Islands", ((969, 969),)),
    "PW": StateInfo("Palau", ((969, 969),)),
    "AA": StateInfo("Armed Forces Americas", ((340, 340),)),
    "AE": StateInfo("Armed Forces Europe", ((90, 98),)),
    "AP": StateInfo("Armed Forces Pacific", ((962, 966),)),
}


def _words(text: str) -> list[str]:
    return text.replace(".", " ").lower().split()


_CODES_BY_NAME = {" ".join(_words(info.name)): code for code, info in STATES.items()}


def state_code(text: str) -> str | None:
    """Return the two-letter code for a code ("oh", "O.H.") or full name ("Ohio")."""
    words = _words(text)
    code = "".join(words).upper()
    if code in STATES:
        return code
    return _CODES_BY_NAME.get(" ".join(words))


def zip_fits_state(postal_code: str, code: str) -> bool:
    prefix = int(postal_code[:3])
    return any(low <= prefix <= high for low, high in STATES[code].zip_prefixes)


def state_of_zip(postal_code: str) -> str | None:
    """The one state whose ZIP prefixes hold ``postal_code``, or None when none or several do
    (969 is Guam's and the Pacific islands')."""
    fits = [code for code in STATES if zip_fits_state(postal_code, code)]
    return fits[0] if len(fits) == 1 else None
