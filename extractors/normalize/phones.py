"""Read US phone and fax numbers from OCR'd fax text.

The ``phonenumbers`` library decides what is a real number, so numbers with an area
code or exchange that cannot exist ("123-456-7890") are refused rather than guessed at.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

from extractors.normalize.ocr_digits import repair_digit_runs

REGION = "US"
# Country code 1 is the whole North American plan: a Canadian number is still ten digits
# a clerk can dial.
_NANP_COUNTRY_CODE = 1
#: The finders of one document look for phones in the same lines, each in turn (about three
#: times a line on the devset), and the matcher is the costliest thing they do with a line.
_LINES_KEPT = 4096


def _ten_digits(number: phonenumbers.PhoneNumber) -> str | None:
    if number.country_code != _NANP_COUNTRY_CODE or not phonenumbers.is_valid_number(number):
        return None
    digits = str(number.national_number)
    return digits if len(digits) == 10 else None


def parse_phone(text: str) -> str | None:
    """Return the ten digits of the one phone number in ``text``, or None.

    A label before the number ("Ph:", "Fax") and an extension after it are ignored.
    """
    try:
        number = phonenumbers.parse(repair_digit_runs(text), REGION)
    except phonenumbers.NumberParseException:
        return None
    return _ten_digits(number)


@lru_cache(maxsize=_LINES_KEPT)
def find_phones(text: str) -> tuple[tuple[int, int, str], ...]:
    """Locate valid phone numbers in ``text`` as (start, end, original substring).

    Any ten digits that form a valid number are found, including an NPI that happens to
    look like one; telling them apart is left to the label beside the number.
    """
    repaired = repair_digit_runs(text)
    matcher = phonenumbers.PhoneNumberMatcher(
        repaired, REGION, leniency=phonenumbers.Leniency.VALID
    )
    return tuple(
        (match.start, match.end, text[match.start : match.end])
        for match in matcher
        if _ten_digits(match.number) is not None
    )
