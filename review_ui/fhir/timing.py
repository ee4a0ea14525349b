"""Home-health visit frequencies as written on a plan of care ("2W4", "1W1, 2W3, 1W4"): one
FHIR Timing per phase, each with the visits it adds up to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.duration import Duration
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.timing import Timing, TimingRepeat

from review_ui.fhir.systems import UCUM

#: "2W4": twice a week for four weeks.
_SEGMENT = re.compile(r"\s*([1-9][0-9]?)\s*[Ww]\s*([1-9][0-9]?)\s*")


@dataclass(frozen=True)
class Phase:
    timing: Timing
    #: The visits the phase adds up to; None when the frequency is not in the nWm form.
    visits: int | None


def weeks(value: int) -> Duration:
    return Duration(value=value, unit="wk", system=UCUM, code="wk")


def visit_phases(frequency: str, start: date | None) -> list[Phase]:
    """One phase per nWm segment, in the written order. With the start of care known each
    phase gets its dates (a phase starts the day after the one before it ends); without it,
    its length. A frequency not wholly in the nWm form ("1 visit PRN x2") is one phase that
    keeps only the written text."""
    segments = [_SEGMENT.fullmatch(part) for part in frequency.split(",")]
    if not all(segments):
        return [Phase(Timing(code=CodeableConcept(text=frequency)), visits=None)]
    phases = []
    begins = start
    for match in segments:
        assert match is not None
        per_week, length = int(match.group(1)), int(match.group(2))
        repeat = TimingRepeat(frequency=per_week, period=1, periodUnit="wk")
        if begins is None:
            repeat.boundsDuration = weeks(length)
        else:
            ends = begins + timedelta(weeks=length)
            # Period.end is inclusive: the last day of the phase.
            repeat.boundsPeriod = Period(start=begins, end=ends - timedelta(days=1))
            begins = ends
        text = CodeableConcept(text=match.group(0).strip())
        phases.append(Phase(Timing(code=text, repeat=repeat), visits=per_week * length))
    return phases
