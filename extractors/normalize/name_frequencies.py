"""How common a word is as a given name and as a surname, from the 1990 US Census name
lists that the ``names`` package ships (public-domain data: the share of people per name).

A list printed "Jones Gwendolyn" with no comma puts the surname first; nothing on the page
says so, but the census does: Jones is a surname, Gwendolyn a given name.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources

#: Share (in percent, as the census files give it) of a name no list holds: rarer than the
#: rarest name listed (0.001).
_UNLISTED = 1e-4


@cache
def _shares(*files: str) -> dict[str, float]:
    shares: dict[str, float] = {}
    for file in files:
        for line in resources.files("names").joinpath(file).read_text().splitlines():
            name, share, *_ = line.split()
            shares[name] = max(shares.get(name, 0.0), float(share))
    return shares


def given_share(word: str) -> float:
    """The census share (percent) of people with ``word`` as a given name; 0 if unlisted."""
    return _shares("dist.female.first", "dist.male.first").get(_key(word), 0.0)


def surname_share(word: str) -> float:
    """The census share (percent) of people with ``word`` as a surname; 0 if unlisted."""
    return _shares("dist.all.last").get(_key(word), 0.0)


def is_listed(word: str) -> bool:
    """Whether either census list holds ``word``, as a given name or as a surname."""
    return given_share(word) > 0 or surname_share(word) > 0


def given_name_lean(word: str) -> float:
    """How much likelier ``word`` is a given name than a surname, in log10 of the census
    shares: Gwendolyn 2.9, Thomas 0.7, Lee -0.1, Jones -3.8; 0 for a word neither list holds.
    """
    given, surname = given_share(word), surname_share(word)
    return math.log10(given + _UNLISTED) - math.log10(surname + _UNLISTED)


def _key(word: str) -> str:
    return "".join(c for c in word.upper() if c.isalpha())
