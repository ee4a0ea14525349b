"""A clerk's corrections applied to a referral's values.

Edits arrive as text by field path ("member.dob", "diagnoses.1.code"). Only the paths listed
in ``FIELDS`` may be set, so a forged form cannot touch evidence, source or the rules'
output. The result is checked against the Referral contract, and what the rules decide from
values alone (missing fields; NPI, code and date flags) is decided again. Flags about how a
value was *read* (low confidence, a repaired code) are dropped for values the clerk changed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import ValidationError

from extractors.codes import icd10
from extractors.extract.date_roles import DATE_ROLES
from extractors.extract.rules import flags, missing_paths
from extractors.normalize import DateRole, parse_date
from extractors.referral import FlagCode, Referral
from intake.errors import IntakeError

FieldKind = Literal[
    "text", "date", "number", "phone", "icd10", "hcpcs", "procedure", "npi", "choice", "yes_no"
]

#: The lists a clerk can add rows to or clear rows from, and the most rows a form may have.
LISTS = ("diagnoses", "procedures", "items", "services", "access_notes")
MAX_ROWS = 40

#: Flags about how a value was read, not about the value; they go once a clerk sets it.
_READ_FLAGS = frozenset({FlagCode.LOW_CONFIDENCE, FlagCode.CODE_REPAIRED})
#: Parts of the values the clerk never edits and the diff ignores.
_NOT_VALUES = frozenset({"missing", "flags", "evidence", "source", "schema_version", "due_by"})
_DATE_ROLES: Mapping[str, DateRole] = {**DATE_ROLES, "signature.date": "signature"}


@dataclass(frozen=True)
class FieldSpec:
    #: The path, with "*" standing for a row number in a list.
    path: str
    label: str
    kind: FieldKind = "text"
    choices: tuple[str, ...] = ()
    #: The contract's missing path this field answers, if any.
    required_for: str | None = None


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "referral_type", "Referral type", "choice", ("dme", "home_health", "infusion", "unknown")
    ),
    FieldSpec("urgent", "Urgent", "yes_no"),
    FieldSpec("urgency_reason", "Why urgent, or why no longer"),
    FieldSpec("member.last_name", "Member last name", required_for="member.name"),
    FieldSpec("member.first_name", "Member first name", required_for="member.name"),
    FieldSpec("member.dob", "Date of birth", "date", required_for="member.dob"),
    FieldSpec("member.sex", "Sex", "choice", ("M", "F", "U")),
    FieldSpec("member.member_id", "Member ID", required_for="member.member_id"),
    FieldSpec("member.phone", "Member phone", "phone", required_for="member.phone"),
    FieldSpec("member.address.line1", "Street", required_for="member.address"),
    FieldSpec("member.address.line2", "Street, line 2"),
    FieldSpec("member.address.city", "City", required_for="member.address"),
    FieldSpec("member.address.state", "State"),
    FieldSpec("member.address.postal_code", "ZIP", required_for="member.address"),
    FieldSpec("payer.name", "Payer", required_for="payer.name"),
    FieldSpec("payer.group_number", "Group number"),
    FieldSpec("clinician.last_name", "Clinician last name", required_for="clinician.name"),
    FieldSpec("clinician.first_name", "Clinician first name", required_for="clinician.name"),
    FieldSpec("clinician.credentials", "Credentials"),
    FieldSpec("clinician.npi", "Clinician NPI", "npi", required_for="clinician.npi"),
    FieldSpec("clinician.phone", "Clinician phone", "phone"),
    FieldSpec("clinician.fax", "Clinician fax", "phone"),
    FieldSpec("clinician.organization", "Practice"),
    FieldSpec("diagnoses.*.code", "ICD-10-CM", "icd10", required_for="diagnoses"),
    FieldSpec("diagnoses.*.description", "Diagnosis"),
    FieldSpec("procedures.*.code", "Procedure code", "procedure"),
    FieldSpec("procedures.*.system", "Code system", "choice", ("HCPCS", "CPT")),
    # HCPCS Level II or CPT, as for a procedure: a nursing visit's row prints 99601.
    FieldSpec("items.*.hcpcs", "Item HCPCS", "procedure", required_for="items"),
    FieldSpec("items.*.description", "Item", required_for="items"),
    FieldSpec("items.*.quantity", "Quantity", "number"),
    FieldSpec("items.*.frequency", "Item frequency"),
    FieldSpec("items.*.flow_rate_lpm", "Flow L/min", "number"),
    FieldSpec("items.*.length_of_need_months", "Length of need (months)", "number"),
    FieldSpec("items.*.brand_model", "Brand / model"),
    FieldSpec("items.*.serial_number", "Serial no. of the unit replaced"),
    FieldSpec("items.*.suggested_hcpcs", "Suggested HCPCS (not printed)", "hcpcs"),
    FieldSpec("infusion.drug", "Drug", required_for="infusion"),
    FieldSpec("infusion.dose", "Dose"),
    FieldSpec("infusion.route", "Route"),
    FieldSpec("infusion.frequency", "Infusion frequency"),
    FieldSpec("infusion.duration", "Duration"),
    FieldSpec("infusion.access", "Vascular access"),
    FieldSpec(
        "services.*.discipline",
        "Discipline",
        "choice",
        ("SN", "PT", "OT", "ST", "MSW", "HHA"),
        required_for="services",
    ),
    FieldSpec("services.*.frequency", "Visit frequency"),
    FieldSpec("dates.order", "Order date", "date", required_for="dates.order"),
    FieldSpec("dates.service_start", "Start of service", "date"),
    FieldSpec("dates.discharge", "Discharge date", "date"),
    FieldSpec("dates.discharge_time", "Discharge time (HH:MM)"),
    FieldSpec("dates.face_to_face", "Face-to-face date", "date"),
    FieldSpec("dates.signature", "Signature date", "date"),
    FieldSpec("signature.present", "Signed", "yes_no", required_for="signature"),
    FieldSpec("signature.date", "Date beside signature", "date"),
    FieldSpec("access_notes.*", "Access note"),
)

_SPECS = {spec.path: spec for spec in FIELDS}
_ROW = re.compile(r"\.[0-9]+(?=\.|$)")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class InvalidValues(IntakeError):
    """Some values do not fit the contract; ``errors`` maps each field path to why."""

    code = "invalid_values"
    http_status = 422

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(f"{len(errors)} value(s) are not valid")
        self.errors = errors


@dataclass(frozen=True)
class Change:
    path: str
    old: Any
    new: Any


def spec_for(path: str) -> FieldSpec | None:
    """The field a concrete path belongs to ("diagnoses.2.code" -> "diagnoses.*.code")."""
    return _SPECS.get(_ROW.sub(".*", path))


def us_date(iso: str) -> str:
    """A stored ISO date as US desks write it, month first; any other text as it is."""
    if not _ISO_DATE.fullmatch(iso):
        return iso
    year, month, day = iso.split("-")
    return f"{month}/{day}/{year}"


def value_at(values: Any, path: str) -> Any:
    """The value at a dotted path of the contract's JSON ("diagnoses.0.code"); None when the
    path leads nowhere."""
    for part in path.split("."):
        if isinstance(values, list) and part.isdigit():
            index = int(part)
            values = values[index] if index < len(values) else None
        elif isinstance(values, dict):
            values = values.get(part)
        else:
            return None
    return values


def field_text(spec: FieldSpec, value: Any) -> str:
    """What the form shows for a value; ``apply_edits`` reads it back as the same value."""
    if value is None:
        return ""
    if spec.kind == "yes_no":
        return "yes" if value else "no"
    if spec.kind == "date" and isinstance(value, str):
        return us_date(value)
    return str(value)


def apply_edits(
    values: Mapping[str, Any], submitted: Mapping[str, str], received: date
) -> tuple[dict[str, Any], list[Change]]:
    """The values with the clerk's text applied, checked, and the rules' verdicts renewed.

    ``received`` is the day the fax arrived, against which dates are read and judged.
    Raises InvalidValues naming each path that is unknown or whose value does not fit.
    """
    edited = copy.deepcopy(dict(values))
    errors: dict[str, str] = {}
    for path in sorted(submitted, key=_row_order):
        spec = spec_for(path)
        if spec is None:
            errors[path] = "not an editable field"
            continue
        try:
            _set(edited, path.split("."), _typed(spec, path, submitted[path], received))
        except LookupError:
            errors[path] = "no such row"
    if errors:
        raise InvalidValues(errors)
    _describe_new_codes(values, edited)
    _drop_empty(edited)
    try:
        referral = Referral.model_validate(edited)
    except ValidationError as exc:
        raise InvalidValues(_contract_errors(exc)) from None
    changes = diff(values, referral.model_dump(mode="json"))
    changed = [change.path for change in changes]
    if "urgent" in changed and "urgency_reason" not in changed:
        # Urgency decides the desk's clock: a change of it says why, for the audit trail.
        raise InvalidValues({"urgency_reason": "say why the urgency changed"})
    referral.missing = missing_paths(referral)
    kept = [
        flag
        for flag in referral.flags
        if flag.code in _READ_FLAGS and not any(_related(flag.field, path) for path in changed)
    ]
    # Confidence no longer matters for the rest: a threshold of 0 leaves only value checks.
    referral.flags = kept + flags(referral, received, low_confidence=0.0)
    return referral.model_dump(mode="json"), changes


def _describe_new_codes(before: Mapping[str, Any], edited: dict[str, Any]) -> None:
    """A diagnosis whose code the clerk changed, and not its description, takes the code
    set's description of the new code (none for a code the set does not hold): the old one
    would describe another condition."""
    old_rows = before.get("diagnoses") or []
    for index, row in enumerate(edited.get("diagnoses") or []):
        old = old_rows[index] if index < len(old_rows) else {}
        if not isinstance(row, dict) or row.get("code") == old.get("code"):
            continue
        if row.get("description") == old.get("description"):
            entry = icd10.lookup(str(row.get("code") or ""))
            row["description"] = entry.description if entry is not None else None


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Leaf-by-leaf differences between two value sets, in field order."""
    before, after = dict(_leaves(old)), dict(_leaves(new))
    paths = list(before) + [path for path in after if path not in before]
    return [
        Change(path, before.get(path), after.get(path))
        for path in paths
        if before.get(path) != after.get(path)
    ]


def _leaves(values: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(values, dict):
        for key, value in values.items():
            if not prefix and key in _NOT_VALUES:
                continue
            yield from _leaves(value, f"{prefix}{key}.")
    elif isinstance(values, list):
        for index, value in enumerate(values):
            yield from _leaves(value, f"{prefix}{index}.")
    else:
        yield prefix.rstrip("."), values


def _related(flag_field: str, path: str) -> bool:
    # Evidence and flags may name a whole row ("diagnoses.0") or one value in it.
    return (
        flag_field == path or path.startswith(f"{flag_field}.") or flag_field.startswith(f"{path}.")
    )


def _row_order(path: str) -> tuple[int, ...]:
    # Rows are filled in index order so that a new row lands right after the last one.
    return tuple(int(part) for part in path.split(".") if part.isdigit())


def _typed(spec: FieldSpec, path: str, text: str, received: date) -> Any:
    value = text.strip()
    if not value:
        return None
    if spec.kind == "yes_no":
        return value == "yes"
    if spec.kind == "date":
        parsed = parse_date(value, _DATE_ROLES[_ROW.sub(".*", path)], received)
        return parsed.date.isoformat() if parsed is not None else value
    if spec.kind == "procedure" or spec.path == "member.address.state":
        return value.upper()
    return value


def _set(values: dict[str, Any], parts: list[str], value: Any) -> None:
    head, rest = parts[0], parts[1:]
    if head in LISTS and rest:
        rows = values.setdefault(head, [])
        index = int(rest[0])
        if index > len(rows) or index >= MAX_ROWS:
            raise LookupError(head)
        if index == len(rows):
            rows.append({} if len(rest) > 1 else None)
        if len(rest) == 1:
            rows[index] = value
        else:
            _set(rows[index], rest[1:], value)
        return
    if not rest:
        values[head] = value
        return
    child = values.get(head)
    if child is None:
        if value is None:
            return  # nothing to set inside an absent block (an infusion the order lacks)
        child = values[head] = {}
    _set(child, rest, value)


def _blank(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_blank(v) for v in value.values())
    return value is None or value == ""


def _drop_empty(values: dict[str, Any]) -> None:
    """Remove rows the clerk emptied, renumbering evidence for the rows after them."""
    evidence: dict[str, Any] = values.get("evidence") or {}
    for name in LISTS:
        rows = values.get(name) or []
        kept = [index for index, row in enumerate(rows) if not _blank(row)]
        if len(kept) == len(rows):
            continue
        values[name] = [rows[index] for index in kept]
        renumber = {old: new for new, old in enumerate(kept)}
        values["evidence"] = evidence = {
            moved: box
            for key, box in evidence.items()
            if (moved := _renumbered(key, name, renumber)) is not None
        }
    infusion = values.get("infusion")
    if isinstance(infusion, dict) and _blank(infusion):
        values["infusion"] = None


def _renumbered(key: str, name: str, renumber: Mapping[int, int]) -> str | None:
    parts = key.split(".")
    if parts[0] != name or len(parts) < 2 or not parts[1].isdigit():
        return key
    new = renumber.get(int(parts[1]))
    return None if new is None else ".".join([name, str(new), *parts[2:]])


def _contract_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors(include_input=False, include_url=False):
        # A model-level check reports on the row; a value check on the value itself.
        path = ".".join(str(part) for part in error["loc"])
        errors.setdefault(path or "referral", _message(error["type"], error["msg"]))
    return errors


def _message(kind: str, message: str) -> str:
    if kind == "string_pattern_mismatch":
        return "not in the expected format"
    if kind.startswith("date"):
        return "not a date (try MM/DD/YYYY)"
    # pydantic's own wording; it quotes patterns and limits, never the value typed.
    return message.removeprefix("Value error, ")
