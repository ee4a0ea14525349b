"""One phone number printed several times: the digits most of its copies agree on.

A fax misreads a digit here and there ("613/809-0303" for 813/809-0303), seldom the same
digit in every copy, and an order prints its numbers more than once: the letterhead, the
signature block, the cover sheet and the fax header's stamp. A printed number that differs
from the chosen one only in digits a fax confuses (``digit_misreads``) is a copy of it;
each digit is then the one its copies give most weight, and a number its copies disagree on
is marked contested, for the clerk to check against the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extractors.extract.cover import is_fax_header_line
from extractors.normalize import find_phones, parse_phone
from extractors.normalize.lookalikes import digit_confusions
from extractors.pages import Page

#: The most digits a copy may differ in and still be the same number misread.
_MAX_MISREADS = 2
#: A header stamp's weight in the vote: its small print on a fax is misread most.
_STAMP_WEIGHT = 0.5


@dataclass(frozen=True)
class Settled:
    """A number as its copies read it, and whether any copy read it otherwise."""

    value: str
    contested: bool


def printed_numbers(pages: Sequence[Page]) -> list[tuple[str, float]]:
    """Every phone number printed on the pages, each with its weight in a vote."""
    out: list[tuple[str, float]] = []
    for page in pages:
        for line in page.lines:
            weight = _STAMP_WEIGHT if is_fax_header_line(page, line) else 1.0
            for _start, _end, printed in find_phones(line.text):
                number = parse_phone(printed)
                if number is not None:
                    out.append((number, weight))
    return out


def settle(value: str, printed: Iterable[tuple[str, float]], others: set[str]) -> Settled:
    """``value`` as its copies among ``printed`` read it, digit by digit. ``others`` are
    the numbers known to be someone else's (another field's, the receiving fax's)."""
    copies = [(n, w) for n, w in printed if n not in others and is_misread_copy(value, n)]
    # The chosen reading takes part with no weight of its own: it is among the copies
    # when it was printed as it was read, and only breaks ties.
    votes: list[dict[str, float]] = [{own: 0.0} for own in value]
    for number, weight in copies:
        for at, digit in enumerate(number):
            votes[at][digit] = votes[at].get(digit, 0.0) + weight
    settled = "".join(_voted(own, count) for own, count in zip(value, votes, strict=True))
    return Settled(settled, any(number != value for number, _ in copies))


def _voted(own: str, count: dict[str, float]) -> str:
    """The digit with the most weight; a tie keeps the chosen reading's own digit."""
    return max(count, key=lambda digit: (count[digit], digit == own))


def is_misread_copy(value: str, number: str) -> bool:
    """Whether ``number`` is ``value`` with a few digits a fax may misread (or ``value``)."""
    if len(number) != len(value):
        return False
    differ = [(a, b) for a, b in zip(value, number, strict=True) if a != b]
    return len(differ) <= _MAX_MISREADS and all(
        b in digit_confusions(a) or a in digit_confusions(b) for a, b in differ
    )
