"""Home-health visit frequencies as written on a plan of care ("2W4", "1W1, 2W3, 1W4") turned
into a FHIR Timing and the number of visits they add up to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.duration import Duration
from fhir.resources.R4B.timing import Timing, TimingRepeat

from review_ui.fhir.systems import UCUM

#: "2W4": twice a week for four weeks.
_SEGMENT = re.compile(r"\s*([1-9][0-9]?)\s*[Ww]\s*([1-9][0-9]?)\s*")


@dataclass(frozen=True)
class VisitPlan:
    timing: Timing
    #: The visits the frequency adds up to; None when it is not in the nWm form (e.g. "PRN").
    visits: int | None


def _weeks(value: int) -> Duration:
    return Duration(value=value, unit="wk", system=UCUM, code="wk")


def visit_plan(frequency: str) -> VisitPlan:
    """The written frequency is always kept as the Timing's text; the structured repeat is
    added only when every segment reads as nWm."""
    segments = [_SEGMENT.fullmatch(part) for part in frequency.split(",")]
    text = CodeableConcept(text=frequency)
    if not all(segments):
        return VisitPlan(timing=Timing(code=text), visits=None)
    pairs = [(int(m.group(1)), int(m.group(2))) for m in segments if m is not None]
    weeks = sum(w for _, w in pairs)
    visits = sum(n * w for n, w in pairs)
    if len(pairs) == 1:
        per_week = pairs[0][0]
        repeat = TimingRepeat(
            frequency=per_week, period=1, periodUnit="wk", boundsDuration=_weeks(weeks)
        )
    else:
        # Several phases ("1W1, 2W3") are not one repeat; the text keeps their order.
        repeat = TimingRepeat(count=visits, boundsDuration=_weeks(weeks))
    return VisitPlan(timing=Timing(code=text, repeat=repeat), visits=visits)
