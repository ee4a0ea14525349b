"""Rules over a filled-in referral: its type, what is missing, what looks wrong, how urgent.

These run after the fields are read, on values only (plus the page text for wording cues),
so they are the same for every layout. The cues are data: a new wording or code family is
one more row, not another branch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from extractors.codes import hcpcs, icd10
from extractors.codes.npi import is_valid_npi
from extractors.extract.confidence import DEFAULT_BAR, doubts
from extractors.extract.date_roles import DATE_ROLES
from extractors.extract.items import meant_codes
from extractors.extract.services import is_discipline
from extractors.normalize.dates import DateRole, parse_date
from extractors.normalize.us_states import state_code, zip_fits_state
from extractors.referral import (
    MISSING_PATHS,
    Flag,
    FlagCode,
    MissingPath,
    Referral,
    ReferralType,
)

#: Evidence read with less confidence than this is flagged for the clerk to check first,
#: unless its kind has its own bar (``confidence.KIND_BARS``).
LOW_CONFIDENCE = DEFAULT_BAR
#: The desk acknowledges every referral within a day of receipt.
ACKNOWLEDGE_WITHIN = timedelta(hours=24)
#: A discharge this close to receipt, before or after it, makes an order urgent.
DISCHARGE_WINDOW = timedelta(hours=24)
#: A discharge this many days after the order date, or on it, makes the order urgent.
DISCHARGE_AFTER_ORDER_DAYS = 1
#: The share of a code cue's weight that a code an item's name means (not printed) carries.
NAMED_CODE_SHARE = 0.5
#: A type needs at least this score to be named; below it the order is "unknown".
MIN_TYPE_SCORE = 2.0

CueSource = Literal["code", "text", "field"]


@dataclass(frozen=True)
class TypeCue:
    referral_type: ReferralType
    weight: float
    #: "code": a regex over each HCPCS/CPT code on the order (items and procedures);
    #: "text": a regex over the page text; "field": the name of a filled-in field.
    source: CueSource
    pattern: str


#: Each cue counts once per document, however often it matches, so one long drug list or a
#: page of clinical notes cannot outvote the order itself.
TYPE_CUES: tuple[TypeCue, ...] = (
    # DME: E and K codes are equipment, A codes supplies.
    # Equipment (E, K) and orthotics and prosthetics (L): DMEPOS.
    TypeCue("dme", 3, "code", r"[EKL][0-9]{4}"),
    TypeCue("dme", 1, "code", r"A[0-9]{4}"),
    # Enteral nutrition (B4034-B4162: formulae, pumps' and bags' supply kits) is supplied
    # as equipment is; parenteral nutrition (B4164-B5200) is infused.
    TypeCue("dme", 3, "code", r"B40(?:3[4-9]|[4-9][0-9])|B41(?:[0-5][0-9]|6[0-2])"),
    TypeCue("dme", 1, "field", "items"),
    TypeCue("dme", 1, "text", r"\bCMS[- ]?484\b|\bcertificate of medical necessity\b"),
    TypeCue("dme", 1, "text", r"\bdurable medical equipment\b|\bDMEPOS\b|\bDME\b"),
    TypeCue("dme", 1, "text", r"\bstandard written order\b|\boxygen concentrator\b"),
    # Home health: visits by discipline, the 485 plan of care, G-code visits.
    TypeCue("home_health", 3, "field", "services"),
    # A table's or a letter's visits by discipline, read as items ("Skilled nursing | 8").
    TypeCue("home_health", 3, "field", "visits"),
    TypeCue("home_health", 2, "code", r"G0(?:15[1-9]|16[0-2]|299|300)"),
    TypeCue("home_health", 3, "text", r"\bCMS[- ]?485\b|\bplan of care\b"),
    TypeCue("home_health", 1, "text", r"\bhome health\b|\bskilled nursing\b"),
    TypeCue("home_health", 1, "text", r"\b(?:SN|PT|OT|ST)\s*[0-9]\s*[Ww]\s*[0-9]"),
    # Infusion: a drug with route and access, J-code drugs, per-diem S-codes.
    TypeCue("infusion", 3, "field", "infusion"),
    TypeCue("infusion", 3, "code", r"J[0-9]{4}"),
    TypeCue(
        "infusion", 3, "code", r"B41(?:6[4-9]|[7-9][0-9])|B4[2-9][0-9]{2}|B5(?:[01][0-9]{2}|200)"
    ),
    # An IV pole or an ambulatory infusion pump goes with the drug it runs.
    TypeCue("infusion", 2, "code", r"E07(?:76|79|80|81)"),
    TypeCue("infusion", 2, "code", r"S9(?:3[0-9]{2}|4[0-9]{2}|5[0-9]{2})|9960[12]"),
    TypeCue("infusion", 2, "text", r"\bPICC\b|\bport-?a-?cath\b|\bmidline\b|\bTPN\b"),
    TypeCue("infusion", 1, "text", r"\binfusion\b|\bIV\b|\bintravenous(?:ly)?\b"),
)


@dataclass(frozen=True)
class UrgencyCue:
    pattern: str
    #: Why the order is urgent, shown to the clerk; the matching line follows it.
    reason: str
    #: Abbreviations count only in capitals: "stat" is also a word in running notes.
    case_sensitive: bool = False


#: Wording that makes an order urgent. Fax cover sheets print "Urgent" as one of several
#: tick boxes whether or not it is ticked, so a line that also names the other boxes does
#: not count (see ``COVER_CHECKBOXES``); the order itself repeats a real urgency.
URGENCY_CUES: tuple[UrgencyCue, ...] = (
    UrgencyCue(r"\bSTAT\b", "marked STAT", case_sensitive=True),
    # "Seen at urgent care" is history, not a request.
    UrgencyCue(r"\burgent(?:ly)?\b(?!\s+care)", "marked urgent"),
    UrgencyCue(r"\bASAP\b", "marked ASAP", case_sensitive=True),
    UrgencyCue(r"\bas soon as possible\b", "marked ASAP"),
    UrgencyCue(r"\bdischarg\w*\s+(?:\w+\s+)?(?:today|tonight)\b", "discharge today"),
    UrgencyCue(r"\b(?:going|goes|sent)\s+home\s+(?:today|tonight|tomorrow)\b", "going home"),
    UrgencyCue(r"\bneed(?:s|ed)?\b[^.\n]{0,40}\btoday\b|\bsame[- ]day\b", "needed today"),
    UrgencyCue(r"\bwithin\s+24\s*(?:h|hrs?|hours?)\b", "needed within 24 hours"),
)
COVER_CHECKBOXES = re.compile(r"\bfor review\b|\bplease (?:comment|reply|recycle)\b", re.I)

_TYPE_PATTERNS = {cue: re.compile(cue.pattern, re.IGNORECASE) for cue in TYPE_CUES}
_URGENCY_PATTERNS = [
    (re.compile(cue.pattern, 0 if cue.case_sensitive else re.IGNORECASE), cue)
    for cue in URGENCY_CUES
]

#: The contract's date fields, plus the date printed beside the signature.
_JUDGED_DATES: Mapping[str, DateRole] = {**DATE_ROLES, "signature.date": "signature"}

#: Flag codes these rules decide; flags with other codes (e.g. code_repaired) are kept.
_RULE_FLAGS = frozenset(
    {
        FlagCode.NPI_CHECKSUM,
        FlagCode.ICD10_UNKNOWN,
        FlagCode.ICD10_NOT_BILLABLE,
        FlagCode.HCPCS_UNKNOWN,
        FlagCode.DATE_IMPLAUSIBLE,
        FlagCode.LOW_CONFIDENCE,
    }
)


def apply_rules(
    referral: Referral,
    *,
    received_at: datetime,
    page_texts: Sequence[str],
    low_confidence: float = LOW_CONFIDENCE,
    ticked_urgent: str | None = None,
) -> Referral:
    """A copy of ``referral`` with type, missing paths, flags, urgency and due_by decided.

    ``received_at`` is when the fax arrived; a naive time is taken as this machine's local
    time. ``page_texts`` are the order's pages, for wording cues, without the legends of
    unticked boxes; ``ticked_urgent`` is the legend of a ticked urgency box ("STAT").
    """
    received = received_at if received_at.tzinfo else received_at.astimezone()
    text = "\n".join(page_texts)
    out = referral.model_copy(deep=True)
    out.referral_type = referral_type(out, text)
    out.missing = missing_paths(out)
    kept = [flag for flag in out.flags if flag.code not in _RULE_FLAGS]
    # The ZIP check is a reading flag like low confidence: made once, at extraction.
    out.flags = kept + flags(out, received.date(), low_confidence, page_texts) + _address_flags(out)
    reason = urgency_reason(out, received, text, ticked_urgent)
    out.urgent = reason is not None
    out.urgency_reason = reason
    out.due_by = received + ACKNOWLEDGE_WITHIN
    return out


def type_scores(referral: Referral, text: str) -> dict[ReferralType, float]:
    codes = [item.hcpcs for item in referral.items if item.hcpcs]
    codes += [procedure.code for procedure in referral.procedures]
    # An item named with no code printed ("lightweight wheelchair") counts by the codes its
    # name may mean, at a share of the weight: the page did not print them.
    meant = [c for i in referral.items if not i.hcpcs for c in meant_codes(i.description)]
    scores: dict[ReferralType, float] = {}
    for cue in TYPE_CUES:
        pattern = _TYPE_PATTERNS[cue]
        weight = cue.weight
        if cue.source == "code":
            hit = any(pattern.fullmatch(code) for code in codes)
            if not hit and any(pattern.fullmatch(code) for code in meant):
                hit, weight = True, cue.weight * NAMED_CODE_SHARE
        elif cue.source == "text":
            hit = bool(pattern.search(text))
        else:
            hit = _field_present(referral, cue.pattern)
        if hit:
            scores[cue.referral_type] = scores.get(cue.referral_type, 0.0) + weight
    return scores


def referral_type(referral: Referral, text: str) -> ReferralType:
    """The best-scoring type; "unknown" when nothing scores enough or the top two tie."""
    ranked = sorted(type_scores(referral, text).items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or ranked[0][1] < MIN_TYPE_SCORE:
        return "unknown"
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return "unknown"
    return ranked[0][0]


def _field_present(referral: Referral, name: str) -> bool:
    if name == "infusion":
        # An infusion block with no drug is an access note, not an infusion order.
        return referral.infusion is not None and bool(referral.infusion.drug)
    if name in ("items", "visits"):
        # Visits by discipline are home health's, not equipment.
        visits = [is_discipline(item.description or "") for item in referral.items]
        return any(visits) if name == "visits" else not all(visits)
    value = getattr(referral, name)
    return bool(value)


#: When each required path counts as present. A value is there only if an extractor put it
#: there, so a field the page lacks is always reported missing.
_PRESENT: Mapping[MissingPath, Callable[[Referral], bool]] = {
    "member.name": lambda r: bool(r.member.first_name and r.member.last_name),
    "member.dob": lambda r: r.member.dob is not None,
    "member.member_id": lambda r: bool(r.member.member_id),
    "member.phone": lambda r: bool(r.member.phone),
    # A street line alone does not get a delivery there; it needs a city or ZIP with it.
    "member.address": lambda r: bool(
        r.member.address.line1 and (r.member.address.city or r.member.address.postal_code)
    ),
    "payer.name": lambda r: bool(r.payer.name),
    "clinician.name": lambda r: bool(r.clinician.first_name and r.clinician.last_name),
    # An NPI with a bad check digit is present (and flagged): the clerk calls about it.
    "clinician.npi": lambda r: bool(r.clinician.npi),
    "diagnoses": lambda r: bool(r.diagnoses),
    "items": lambda r: bool(r.items),
    # Visit lines and drug lines read as coded items order the services and the infusion
    # as much as a visit frequency or a drug block does.
    "services": lambda r: bool(r.services or r.items),
    "infusion": lambda r: _field_present(r, "infusion") or bool(r.items),
    "dates.order": lambda r: r.dates.order is not None,
    "signature": lambda r: r.signature.present,
}


def missing_paths(referral: Referral) -> list[MissingPath]:
    return [path for path in MISSING_PATHS[referral.referral_type] if not _PRESENT[path](referral)]


def flags(
    referral: Referral,
    received: date,
    low_confidence: float = LOW_CONFIDENCE,
    page_texts: Sequence[str] = (),
) -> list[Flag]:
    """The rules' flags. ``page_texts`` (the order's pages) let a doubt see rival candidates;
    a ``low_confidence`` of 0 leaves only the checks on values (a clerk confirmed them)."""
    return [
        *_npi_flags(referral),
        *_code_flags(referral),
        *_date_flags(referral, received),
        *_confidence_flags(referral, low_confidence, page_texts),
    ]


def _address_flags(referral: Referral) -> list[Flag]:
    """A ZIP that its state does not use: one of the two was misread or mistyped."""
    address = referral.member.address
    if address.state is None or address.postal_code is None:
        return []
    if state_code(address.state) is None or zip_fits_state(address.postal_code, address.state):
        return []
    message = (
        f"ZIP {address.postal_code} is not used in {address.state}; check the address on the page"
    )
    return [Flag(field="member.address.postal_code", code=FlagCode.LOW_CONFIDENCE, message=message)]


def _npi_flags(referral: Referral) -> list[Flag]:
    npi = referral.clinician.npi
    if npi is None or is_valid_npi(npi):
        return []
    message = f"NPI {npi} fails the check digit; confirm it with the prescriber's office"
    return [Flag(field="clinician.npi", code=FlagCode.NPI_CHECKSUM, message=message)]


def _code_flags(referral: Referral) -> list[Flag]:
    out = []
    for i, diagnosis in enumerate(referral.diagnoses):
        path = f"diagnoses.{i}.code"
        if diagnosis.code is None:
            message = "no ICD-10-CM code could be read for this diagnosis; code it from the page"
            out.append(Flag(field=path, code=FlagCode.ICD10_UNKNOWN, message=message))
            continue
        entry = icd10.lookup(diagnosis.code)
        if entry is None:
            message = f"{diagnosis.code} is not an ICD-10-CM code"
            out.append(Flag(field=path, code=FlagCode.ICD10_UNKNOWN, message=message))
        elif not entry.billable:
            message = f"{entry.code} is a category; a billable code needs more characters"
            out.append(Flag(field=path, code=FlagCode.ICD10_NOT_BILLABLE, message=message))
    hcpcs_codes = [
        (f"items.{i}.hcpcs", item.hcpcs)
        for i, item in enumerate(referral.items)
        if item.code_system == "HCPCS"
    ]
    hcpcs_codes += [
        (f"procedures.{i}.code", p.code)
        for i, p in enumerate(referral.procedures)
        if p.system == "HCPCS"
    ]
    for path, code in hcpcs_codes:
        if code is not None and hcpcs.lookup(code) is None:
            message = f"{code} is not in the HCPCS Level II table"
            out.append(Flag(field=path, code=FlagCode.HCPCS_UNKNOWN, message=message))
    return out


def _date_values(referral: Referral) -> dict[str, date | None]:
    dates = referral.dates
    return {
        "member.dob": referral.member.dob,
        "dates.order": dates.order,
        "dates.service_start": dates.service_start,
        "dates.discharge": dates.discharge,
        "dates.signature": dates.signature,
        "dates.face_to_face": dates.face_to_face,
        "signature.date": referral.signature.date,
    }


def _date_flags(referral: Referral, received: date) -> list[Flag]:
    values = _date_values(referral)
    newest = _newest_order_date(values, received)
    out = []
    for path, value in values.items():
        if value is None:
            continue
        # A date after receipt is judged against it; an earlier one against the order's own
        # newest date: a misread year stands apart from the order's other dates, while a
        # file received long after it was written (a batch of scans, a file loaded late)
        # would otherwise make every right date on it look stale.
        reference = newest if newest and value <= received and path != "member.dob" else received
        # The dates module owns what is plausible for each role; an ISO date parses exactly.
        judged = parse_date(value.isoformat(), _JUDGED_DATES[path], reference, reread_year=False)
        if judged is not None and not judged.plausible:
            message = f"{judged.reason} ({value.isoformat()})"
            if reference != received:
                message = (
                    f"{path} {value.isoformat()} is more than a year before the order's "
                    f"newest date ({reference.isoformat()})"
                )
            out.append(Flag(field=path, code=FlagCode.DATE_IMPLAUSIBLE, message=message))
    return out


def _newest_order_date(values: Mapping[str, date | None], received: date) -> date | None:
    """The newest date the order prints for itself (not a birth date), at most the day of
    receipt; a date too far after receipt is a misread and says nothing of the order."""
    dated = [
        value
        for path, value in values.items()
        if value
        and path != "member.dob"
        and (value <= received or _plausible(path, value, received))
    ]
    return min(max(dated), received) if dated else None


def _plausible(path: str, value: date, reference: date) -> bool:
    judged = parse_date(value.isoformat(), _JUDGED_DATES[path], reference, reread_year=False)
    return judged is not None and judged.plausible


def _confidence_flags(
    referral: Referral, threshold: float, page_texts: Sequence[str] = ()
) -> list[Flag]:
    """A low_confidence flag on each value the confidence scorer doubts, with its reason."""
    return [
        Flag(field=doubt.path, code=FlagCode.LOW_CONFIDENCE, message=doubt.reason)
        for doubt in doubts(referral, page_texts, threshold)
    ]


def _discharge_near(discharge: date, at: time | None, received: datetime) -> bool:
    """Whether the discharge falls within 24 hours of receipt, before or after it.

    A patient sent home hours before the fax arrived needs the order as much as one going
    home tomorrow. Without a printed time the discharge may be at any hour of its day, so a
    day that reaches within 24 hours of receipt counts: it is safer to look at it first.
    """
    if at is None:
        return abs((discharge - received.date()).days) <= 1
    moment = datetime.combine(discharge, at, tzinfo=received.tzinfo)
    return abs(moment - received) <= DISCHARGE_WINDOW


def urgency_reason(
    referral: Referral, received: datetime, text: str, ticked: str | None = None
) -> str | None:
    """Why the order is urgent, or None. A discharge within a day of receipt comes first."""
    discharge = referral.dates.discharge
    if discharge is not None and _discharge_near(
        discharge, referral.dates.discharge_time, received
    ):
        return f"discharge on {discharge.isoformat()}, within 24 h of receipt"
    ordered = referral.dates.order
    # "Discharge tomorrow": the office wrote the order for a patient going home within a
    # day, however long the fax then took to arrive.
    if (
        discharge is not None
        and ordered is not None
        and 0 <= (discharge - ordered).days <= DISCHARGE_AFTER_ORDER_DAYS
    ):
        return f"discharge on {discharge.isoformat()}, the day the order was written or next"
    if ticked is not None:
        return f"the {ticked} box is ticked"
    for line in text.splitlines():
        if COVER_CHECKBOXES.search(line):
            continue
        for pattern, cue in _URGENCY_PATTERNS:
            if pattern.search(line):
                return f"{cue.reason}: {' '.join(line.split())}"
    return None
