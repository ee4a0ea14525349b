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


def given_name_lean(word: str) -> float:
    """How much likelier ``word`` is a given name than a surname, in log10 of the census
    shares: Gwendolyn 2.9, Thomas 0.7, Lee -0.1, Jones -3.8; 0 for a word neither list holds.
    """
    key = "".join(c for c in word.upper() if c.isalpha())
    given = _shares("dist.female.first", "dist.male.first").get(key, 0.0)
    surname = _shares("dist.all.last").get(key, 0.0)
    return math.log10(given + _UNLISTED) - math.log10(surname + _UNLISTED)
