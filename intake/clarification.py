"""The fax-back to an ordering office: what the desk still needs before it can act.

The text lists exactly the referral's missing fields, in the contract's order, and the values
the rules found wrong. It carries the patient's name and date of birth so the office can match
it to their chart; like every PHI it is shown to the clerk and never logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from extractors.referral import FlagCode
from intake.referral_edit import us_date, value_at

#: How the desk asks for each missing path, in words an office manager understands.
MISSING_LABELS: Mapping[str, str] = {
    "member.name": "Patient's full name",
    "member.dob": "Patient's date of birth",
    "member.member_id": "Patient's insurance member ID",
    "member.phone": "Patient's phone number",
    "member.address": "Patient's home address (street, city and ZIP)",
    "payer.name": "Insurance plan (payer) name",
    "clinician.name": "Ordering practitioner's name",
    "clinician.npi": "Ordering practitioner's NPI",
    "diagnoses": "Diagnosis with its ICD-10-CM code",
    "items": "Equipment or supplies ordered (description or HCPCS code, with quantity)",
    "services": "Home health services ordered (discipline and visit frequency)",
    "infusion": "Infusion order (drug, dose, route, frequency and duration)",
    "dates.order": "Date of the order",
    "signature": "Ordering practitioner's signature and the date signed",
}

#: Flags that mean a value on the order is wrong, as opposed to merely hard to read.
WRONG_VALUE_FLAGS = frozenset(
    {
        FlagCode.NPI_CHECKSUM,
        FlagCode.ICD10_UNKNOWN,
        FlagCode.ICD10_NOT_BILLABLE,
        FlagCode.HCPCS_UNKNOWN,
        FlagCode.DATE_IMPLAUSIBLE,
    }
)


def failing_fields(values: Mapping[str, Any]) -> list[str]:
    """The fields whose values fail a rule, once each, in the order of their flags: what a
    clerk must resolve before approving, and what the queue's flag count counts."""
    flags = values.get("flags") or []
    return list(dict.fromkeys(f["field"] for f in flags if f.get("code") in WRONG_VALUE_FLAGS))


@dataclass(frozen=True)
class Desk:
    """Who the letter comes from and how the office answers (the service's settings)."""

    name: str
    fax: str = ""
    phone: str = ""


#: What is wrong with a value, in the office's words, by the rule it fails: never the
#: service's own flag wording. "{value}" is the value as the order gives it.
_WRONG_IN_WORDS: Mapping[str, str] = {
    FlagCode.NPI_CHECKSUM: "{label} {value} is not a valid NPI: please send the correct NPI",
    FlagCode.ICD10_UNKNOWN: (
        "{label} {value} is not an ICD-10-CM code: please send the correct code"
    ),
    FlagCode.ICD10_NOT_BILLABLE: (
        "{label} {value} is incomplete (a category, not a billable code): please send the"
        " complete ICD-10-CM code"
    ),
    FlagCode.HCPCS_UNKNOWN: "{label} {value} is not a HCPCS code: please send the correct code",
    FlagCode.DATE_IMPLAUSIBLE: "{label} {value} looks wrong: please confirm it",
}
#: Each failing field's name in the letter, by its path with list numbers taken out.
_FIELD_WORDS: Mapping[str, str] = {
    "clinician.npi": "The ordering practitioner's NPI",
    "diagnoses.code": "Diagnosis code",
    "procedures.code": "Procedure code",
    "items.hcpcs": "Equipment code",
    "member.dob": "The patient's date of birth",
    "dates.order": "The order date",
    "dates.service_start": "The start of care date",
    "dates.discharge": "The discharge date",
    "dates.face_to_face": "The face-to-face visit date",
    "dates.signature": "The date signed",
    "signature.date": "The date signed",
}


def fax_back_text(
    values: Mapping[str, Any],
    *,
    desk: Desk,
    document_id: int,
    received_at: datetime,
    reason: str,
) -> str:
    """The clarification request for the referral ``values`` (the contract's JSON form): the
    desk's name and numbers, the patient by name and date of birth only, what is missing and
    what is wrong in plain words, and dates as the office writes them."""
    member = values.get("member") or {}
    clinician = values.get("clinician") or {}
    patient = " ".join(p for p in (member.get("first_name"), member.get("last_name")) if p)
    to = (
        " ".join(p for p in (clinician.get("first_name"), clinician.get("last_name")) if p)
        or "Ordering practitioner"
    )
    lines = [
        "REQUEST FOR INFORMATION",
        f"From: {desk.name}",
        *([f"Return fax: {_phone(desk.fax)}"] if desk.fax else []),
        *([f"Phone: {_phone(desk.phone)}"] if desk.phone else []),
        "",
        f"To: {to}" + (f", {clinician['organization']}" if clinician.get("organization") else ""),
    ]
    if clinician.get("fax"):
        lines.append(f"Fax: {_phone(clinician['fax'])}")
    lines += [
        f"Re: order received {received_at:%m/%d/%Y}, our reference #{document_id}",
        f"Patient: {patient or '(name not given)'}"
        + (f", DOB {us_date(member['dob'])}" if member.get("dob") else ""),
        "",
        "We cannot process this order until we receive the following:",
    ]
    missing = [MISSING_LABELS.get(path, path) for path in values.get("missing") or []]
    lines += [f"  - {label}" for label in missing] or ["  (nothing is missing)"]
    wrong = _wrong_in_words(values)
    if wrong:
        lines += ["", "Please also confirm:"]
        lines += [f"  - {line}" for line in wrong]
    lines += [
        "",
        f"Note from our intake desk: {reason}",
        "",
        "Please fax the completed or corrected order back to us"
        + (f" at {_phone(desk.fax)}" if desk.fax else "")
        + ", quoting the reference above.",
    ]
    return "\n".join(lines)


def _wrong_in_words(values: Mapping[str, Any]) -> list[str]:
    """One line per value that fails a rule, naming the field and the value as printed."""
    out: list[str] = []
    for flag in values.get("flags") or []:
        wording = _WRONG_IN_WORDS.get(flag.get("code", ""))
        if wording is None:
            continue
        path = str(flag["field"])
        value = value_at(values, path)
        label = _FIELD_WORDS.get(".".join(p for p in path.split(".") if not p.isdigit()), "A value")
        shown = us_date(str(value or ""))
        line = wording.format(label=label, value=shown).replace("  ", " ")
        if line not in out:
            out.append(line)
    return out


def _phone(digits: str) -> str:
    if len(digits) == 10 and digits.isdigit():
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return digits
