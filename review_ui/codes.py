"""What a code means, for the form: ICD-10-CM and HCPCS descriptions, the NPI check digit,
CPT by format only (its code set is AMA-licensed and not shipped)."""

from __future__ import annotations

from dataclasses import dataclass

from extractors.codes import hcpcs, icd10
from extractors.codes.cpt import is_cpt_format
from extractors.codes.npi import is_valid_npi

#: The form's code kinds this module answers for (see intake.referral_edit.FieldKind).
CODE_KINDS = frozenset({"icd10", "hcpcs", "npi", "procedure"})


@dataclass(frozen=True)
class CodeStatus:
    #: None when there is nothing to judge (an empty field).
    ok: bool | None
    text: str


def describe(kind: str, raw: str) -> CodeStatus:
    code = raw.strip().upper()
    if not code:
        return CodeStatus(None, "")
    if kind == "icd10":
        return _icd10(code)
    if kind == "npi":
        if is_valid_npi(code):
            return CodeStatus(True, "check digit OK")
        return CodeStatus(False, "not a valid NPI (10 digits with a correct check digit)")
    if kind == "procedure" and is_cpt_format(code):
        return CodeStatus(True, "CPT (format checked only)")
    entry = hcpcs.lookup(code)
    if entry is None:
        return CodeStatus(False, "not in the HCPCS Level II table")
    return CodeStatus(True, entry.long_description or entry.short_description)


def _icd10(code: str) -> CodeStatus:
    entry = icd10.lookup(code)
    if entry is None:
        return CodeStatus(False, "not an ICD-10-CM code")
    if not entry.billable:
        return CodeStatus(False, f"{entry.description}: a category, not billable; add characters")
    return CodeStatus(True, entry.description)
