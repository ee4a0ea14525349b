"""Home-health visit orders: discipline and visit frequency (CMS-485 box 21).

Frequencies are given back in 485 shorthand ("2W4" = twice a week for four weeks) however the
order spells them ("2x/week x 4 weeks", "twice a week for 4 weeks"); anything else that reads
as a visit count ("1 visit PRN x2") is kept as printed. A discipline is only taken with a
frequency after it: "PT" alone is as often "patient" and "ST" a street.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from extractors.extract.found import Found
from extractors.extract.textlines import load_data, page_texts
from extractors.normalize.lookalikes import digit_class, digit_translation
from extractors.pages import Page
from extractors.referral import Discipline, Service

_SPACE = r"\s*"
_NUM = r"[0-9]{1,2}"


@cache
def _vocabulary() -> tuple[dict[str, str], dict[str, int]]:
    data = load_data("services.toml")
    names: dict[str, str] = {}
    for code, spellings in data["disciplines"].items():
        names.update({s.lower(): code for s in spellings})
    for code, spellings in data["abbreviations"].items():
        names.update({s: code for s in spellings})
    return names, {k.lower(): int(v) for k, v in data["times"].items()}


def disciplines_in(text: str) -> list[tuple[int, int]]:
    """Where a text names a discipline: spelled out ("skilled nursing"), or by its
    abbreviation before a visit frequency ("SN 1w4"); alone an abbreviation is as often
    another word ("PT" a patient, "ST" a street)."""
    order, _ = _patterns()
    spans = {m.span() for m in _spelled_names().finditer(text)}
    spans |= {m.span("abbr") for m in order.finditer(_frequencies_read(text)) if m.group("abbr")}
    return sorted(spans)


def _frequencies_read(text: str) -> str:
    """``text`` with the digits of its 485 frequencies that OCR read as look-alike letters
    given back ("SN 3wl" is 3w1), one character for one, so offsets still hold."""
    return _READ_FREQUENCY.sub(_as_digits, text)


def _as_digits(match: re.Match[str]) -> str:
    token = match.group()
    # A digit read as printed, or both numbers one look-alike each ("lwl" of 1w1): no word
    # is shaped so; longer runs of look-alikes may be words.
    read = any(map(str.isdigit, token)) or len(token) == _BOTH_LOOKALIKE
    return token.translate(digit_translation("common")) if read else token


#: A frequency whose two numbers are both one look-alike glyph: "lwl".
_BOTH_LOOKALIKE = 3


#: A number of a 485 frequency: its digits, or one look-alike alone ("1lwl" is too garbled
#: to say whether it is 1w1 or 11w1).
_FREQUENCY_NUMBER = rf"(?:[0-9]{{1,2}}|[{digit_class('common')}])"
#: A token shaped like a 485 frequency ("2w4"), a number maybe read as a look-alike.
_READ_FREQUENCY = re.compile(
    rf"(?<![A-Za-z0-9]){_FREQUENCY_NUMBER}[Ww]{_FREQUENCY_NUMBER}(?![A-Za-z0-9])"
)


def is_discipline(description: str) -> bool:
    """Whether an item's description names a discipline: spelled out, or an abbreviation
    alone ("SN" read off a plan of care's visit line)."""
    return _spelled_names().search(description) is not None or description in _abbreviations()


@cache
def _spelled_alternatives() -> str:
    """The disciplines' spelled-out names as one alternation, longest first, any spacing."""
    names, _ = _vocabulary()
    spelled = sorted((n for n in names if not n.isupper()), key=len, reverse=True)
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in spelled)


@cache
def _abbreviations() -> frozenset[str]:
    names, _ = _vocabulary()
    return frozenset(name for name in names if name.isupper())


@cache
def _spelled_names() -> re.Pattern[str]:
    return re.compile(rf"\b(?:{_spelled_alternatives()})\b", re.IGNORECASE)


#: An evaluation visit ordered before the frequency: "PT: eval + 3w2", "OT evaluate and
#: treat, 1w3".
_EVALUATION = (
    r"(?:(?i:eval(?:uat(?:e|ion))?\.?(?:\s+(?:and|&)\s+treat)?)[ \t]*(?:\+|&|,|and)?[ \t]*)?"
)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    _, times = _vocabulary()
    spelled = _spelled_alternatives()
    abbrs = "|".join(sorted(_abbreviations(), key=len, reverse=True))
    words = "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(times, key=len, reverse=True)
    )
    unit = (
        rf"(?:{_NUM}{_SPACE}[Ww]{_SPACE}{_NUM}"
        rf"|{_NUM}{_SPACE}x?{_SPACE}/{_SPACE}(?:wk|week){_SPACE}(?:x|for){_SPACE}{_NUM}{_SPACE}(?:wks?|weeks?)"
        rf"|{_NUM}{_SPACE}(?:x|times){_SPACE}(?:a|per|/){_SPACE}(?:wk|week){_SPACE}(?:x|for){_SPACE}{_NUM}{_SPACE}(?:wks?|weeks?)"
        rf"|(?i:(?:{words})(?:{_SPACE}(?:a|per){_SPACE}week)?{_SPACE}(?:x|for){_SPACE}{_NUM}{_SPACE}(?:wks?|weeks?))"
        rf"|{_NUM}{_SPACE}visits?(?:{_SPACE}(?:PRN|prn))?(?:{_SPACE}x{_SPACE}{_NUM})?)"
    )
    order = re.compile(
        rf"(?:(?i:(?P<name>{spelled}))(?:{_SPACE}\((?P<paren>{abbrs})\))?|\b(?P<abbr>{abbrs})\b)"
        rf"[ \t:;\-]*(?:\n[ \t]*)?{_EVALUATION}(?P<freq>{unit}(?:{_SPACE},\s*{unit})*)"
    )
    return order, re.compile(unit)


def find_services(pages: Iterable[Page]) -> list[Found[Service]]:
    """Each discipline ordered, once, with its visit frequency in 485 shorthand."""
    order, unit = _patterns()
    names, _ = _vocabulary()
    found: dict[str, Found[Service]] = {}
    for text in page_texts(pages):
        for match in order.finditer(_frequencies_read(text.text)):
            spelled = match.group("paren") or match.group("abbr") or match.group("name")
            code = names.get(spelled) or names.get(" ".join(spelled.lower().split()))
            if code is None or code in found:
                continue
            frequency = ", ".join(_shorthand(u.group()) for u in unit.finditer(match.group("freq")))
            discipline: Discipline = code  # type: ignore[assignment]
            service = Service(discipline=discipline, frequency=frequency)
            found[code] = text.found(service, match.start(), match.end())
    return list(found.values())


_WEEKLY = re.compile(
    r"(?P<n>[0-9]{1,2}|[a-z ]+?)\s*(?:x|times)?\s*(?:/|a|per)?\s*(?:wk|week)?\s*(?:x|for)\s*"
    r"(?P<weeks>[0-9]{1,2})\s*(?:wks?|weeks?)",
    re.IGNORECASE,
)
_SHORT = re.compile(r"([0-9]{1,2})\s*[Ww]\s*([0-9]{1,2})")


def _shorthand(text: str) -> str:
    """485 shorthand for one frequency: "2x/week x 4 weeks" -> "2W4"; other forms as printed."""
    text = " ".join(text.split())
    if short := _SHORT.fullmatch(text):
        return f"{short.group(1)}W{short.group(2)}"
    if weekly := _WEEKLY.fullmatch(text):
        count = weekly.group("n").strip().lower()
        per_week = int(count) if count.isdigit() else _vocabulary()[1].get(count)
        if per_week:
            return f"{per_week}W{weekly.group('weeks')}"
    return text
