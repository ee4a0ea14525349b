"""An infusion order's written dose, route, frequency and duration as a FHIR Dosage.

Each part is structured only when it reads unambiguously ("2 g", "IV", "q8h", "6 weeks"); the
whole order as written is always the Dosage's text, so nothing the prescriber wrote is lost.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from types import MappingProxyType

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.dosage import Dosage, DosageDoseAndRate
from fhir.resources.R4B.duration import Duration
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.timing import Timing, TimingRepeat

from extractors.referral import Infusion
from review_ui.fhir.systems import SNOMED, UCUM

#: SNOMED CT routes, by the words the extractor's vocabulary reads (extractors/data/infusion.toml).
_ROUTES = MappingProxyType(
    {
        "iv": ("47625008", "Intravenous route"),
        "ivpb": ("47625008", "Intravenous route"),
        "intravenous": ("47625008", "Intravenous route"),
        "sq": ("34206005", "Subcutaneous route"),
        "sc": ("34206005", "Subcutaneous route"),
        "subq": ("34206005", "Subcutaneous route"),
        "subcutaneous": ("34206005", "Subcutaneous route"),
        "im": ("78421000", "Intramuscular route"),
        "intramuscular": ("78421000", "Intramuscular route"),
        "po": ("26643006", "Oral route"),
    }
)
#: Dose units as written, and their UCUM codes. A dose per kilogram or per minute is a
#: calculation left to the pharmacist: it stays text.
_UNITS = MappingProxyType(
    {"mg": "mg", "g": "g", "gm": "g", "mcg": "ug", "ml": "mL", "l": "L", "meq": "meq"}
)
_DOSE = re.compile(r"([0-9][0-9,]*(?:\.[0-9]+)?)\s?([A-Za-z]+)")
#: (times, period, unit) for frequencies written as words or abbreviations.
_NAMED = MappingProxyType(
    {
        "daily": (1, 1, "d"),
        "once daily": (1, 1, "d"),
        "qd": (1, 1, "d"),
        "twice daily": (2, 1, "d"),
        "bid": (2, 1, "d"),
        "tid": (3, 1, "d"),
        "qid": (4, 1, "d"),
        "weekly": (1, 1, "wk"),
        "once weekly": (1, 1, "wk"),
    }
)
_EVERY_HOURS = re.compile(r"(?:q\s?|every\s+)([0-9]{1,2})\s?(?:h|hrs?|hours?)")
_TIMES_WEEKLY = re.compile(r"([0-9])\s+times\s+(?:weekly|a week|per week)")
_DURATION = re.compile(r"(?:for\s+|x\s*)?([0-9]{1,3})\s*(days?|weeks?|wks?|months?)")
_DURATION_UNITS = MappingProxyType({"d": "d", "w": "wk", "m": "mo"})


def route(written: str | None) -> CodeableConcept | None:
    if not written:
        return None
    first = written.split()[0].lower()
    known = _ROUTES.get(first)
    coding = [Coding(system=SNOMED, code=known[0], display=known[1])] if known else None
    return CodeableConcept(coding=coding, text=written)


def dose(written: str | None) -> Quantity | None:
    """ "2 g", "1,250 mg", "1,000 mL"; None for "15 mg/kg" or "2.5 mcg/kg/min"."""
    match = _DOSE.fullmatch(written.strip()) if written else None
    if match is None:
        return None
    code = _UNITS.get(match.group(2).lower())
    if code is None:
        return None
    value = float(match.group(1).replace(",", ""))
    return Quantity(value=value, unit=match.group(2), system=UCUM, code=code)


def repeat(written: str | None) -> TimingRepeat | None:
    """ "q8h", "every 12 hours", "daily", "BID", "3 times weekly"; None for what is not one
    of those ("continuous", "daily over 12 hours")."""
    if not written:
        return None
    text = written.strip().lower()
    if text in _NAMED:
        times, period, unit = _NAMED[text]
        return TimingRepeat(frequency=times, period=period, periodUnit=unit)
    if match := _EVERY_HOURS.fullmatch(text):
        return TimingRepeat(frequency=1, period=int(match.group(1)), periodUnit="h")
    if match := _TIMES_WEEKLY.fullmatch(text):
        return TimingRepeat(frequency=int(match.group(1)), period=1, periodUnit="wk")
    return None


def duration(written: str | None) -> Duration | None:
    """ "6 weeks", "for 14 days", "x 3 months"; None for "until further notice"."""
    match = _DURATION.fullmatch(written.strip().lower()) if written else None
    if match is None:
        return None
    unit = _DURATION_UNITS[match.group(2)[0]]
    return Duration(value=int(match.group(1)), unit=unit, system=UCUM, code=unit)


def dosage(infusion: Infusion, start: date | None) -> Dosage | None:
    """None when the order gives none of dose, route, frequency and duration."""
    written = " ".join(
        part
        for part in (infusion.dose, infusion.route, infusion.frequency, infusion.duration)
        if part
    )
    if not written:
        return None
    schedule = repeat(infusion.frequency)
    length = duration(infusion.duration)
    if length is not None:
        schedule = schedule or TimingRepeat()
        days = _days(length)
        if start is not None and days is not None:
            # With the start known the course has dates; the last day is inclusive.
            schedule.boundsPeriod = Period(start=start, end=start + timedelta(days=days - 1))
        else:
            schedule.boundsDuration = length
    timing = (
        Timing(
            repeat=schedule,
            code=CodeableConcept(text=infusion.frequency) if infusion.frequency else None,
        )
        if schedule is not None or infusion.frequency
        else None
    )
    amount = dose(infusion.dose)
    return Dosage(
        text=written,
        route=route(infusion.route),
        timing=timing,
        doseAndRate=[DosageDoseAndRate(doseQuantity=amount)] if amount else None,
    )


def _days(length: Duration) -> int | None:
    # Months have no fixed length in days: a course in months keeps its duration.
    per = {"d": 1, "wk": 7}.get(str(length.code))
    return int(length.value) * per if per is not None and length.value is not None else None
