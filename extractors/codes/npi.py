"""National Provider Identifier check (45 CFR 162.406): shape plus the Luhn check digit."""

from __future__ import annotations

import re

_NPI = re.compile(r"[12][0-9]{9}")

#: The NPI check digit is Luhn over the number as an ISO 7812 card id: prefix 80840 (health
#: industry, USA) followed by the first nine digits.
_ISSUER_PREFIX = "80840"


def is_valid_npi(value: str) -> bool:
    """True if ``value`` is exactly ten ASCII digits, starts with 1 or 2, and passes Luhn."""
    return _NPI.fullmatch(value) is not None and _luhn_ok(_ISSUER_PREFIX + value)


def _luhn_ok(digits: str) -> bool:
    total = 0
    # Luhn doubles every second digit counting from the check digit at the right end.
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0
