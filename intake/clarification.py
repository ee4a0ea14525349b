"""The fax-back to an ordering office: what the desk still needs before it can act.

The text lists exactly the referral's missing fields, in the contract's order, and the values
the rules found wrong. It carries the patient's name and date of birth so the office can match
it to their chart; like every PHI it is shown to the clerk and never logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from extractors.referral import FlagCode
from intake.referral_edit import us_date

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


def fax_back_text(
    values: Mapping[str, Any], *, document_id: int, received_at: datetime, reason: str
) -> str:
    """The clarification request for the referral ``values`` (the contract's JSON form)."""
    member = values.get("member") or {}
    clinician = values.get("clinician") or {}
    patient = " ".join(p for p in (member.get("first_name"), member.get("last_name")) if p)
    to = (
        " ".join(p for p in (clinician.get("first_name"), clinician.get("last_name")) if p)
        or "Ordering practitioner"
    )
    lines = [
        "REQUEST FOR INFORMATION",
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
    wrong = [flag for flag in values.get("flags") or [] if flag.get("code") in WRONG_VALUE_FLAGS]
    if wrong:
        lines += ["", "Please also confirm:"]
        lines += [f"  - {flag['message']}" for flag in wrong]
    lines += [
        "",
        f"Note from our intake desk: {reason}",
        "",
        "Please fax the completed or corrected order back to us, quoting the reference above.",
    ]
    return "\n".join(lines)


def _phone(digits: str) -> str:
    if len(digits) == 10 and digits.isdigit():
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return digits
