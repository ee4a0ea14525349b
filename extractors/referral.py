"""The referral read off one fax: the contract shared by the CLI's JSON, the database and the API.

Every key is always present; a value the order does not give is ``None`` (or an empty list),
so consumers never have to tell "absent" from "not extracted". Validators enforce the shape of
each value; whether a well-shaped value is *right* (NPI checksum, ICD code exists, plausible
dates) is reported in ``flags``, because the clerk needs to see the value the page carried.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from extractors.codes import cpt, hcpcs, icd10
from extractors.codes.cpt import is_cpt_format

ReferralType = Literal["dme", "home_health", "infusion", "unknown"]
Sex = Literal["M", "F", "U"]
Discipline = Literal["SN", "PT", "OT", "ST", "MSW", "HHA"]
ProcedureSystem = Literal["HCPCS", "CPT"]

MissingPath = Literal[
    "member.name",
    "member.dob",
    "member.member_id",
    "member.phone",
    "member.address",
    "payer.name",
    "clinician.name",
    "clinician.npi",
    "diagnoses",
    "items",
    "services",
    "infusion",
    "dates.order",
    "signature",
]

_COMMON_REQUIRED: tuple[MissingPath, ...] = (
    "member.name",
    "member.dob",
    "member.member_id",
    "member.phone",
    "member.address",
    "payer.name",
    "clinician.name",
    "clinician.npi",
    "diagnoses",
    "dates.order",
    "signature",
)

#: What an intake clerk needs before acting on each kind of order, in the order to report it.
#: A home-health plan of care or an infusion order lists no DME as a rule, so only DME orders
#: require items; an order of unknown kind is held to what every order needs.
MISSING_PATHS: Mapping[ReferralType, tuple[MissingPath, ...]] = MappingProxyType(
    {
        "dme": (*_COMMON_REQUIRED, "items"),
        "home_health": (*_COMMON_REQUIRED, "services"),
        "infusion": (*_COMMON_REQUIRED, "infusion"),
        "unknown": _COMMON_REQUIRED,
    }
)


class FlagCode(StrEnum):
    NPI_CHECKSUM = "npi_checksum"
    ICD10_UNKNOWN = "icd10_unknown"
    ICD10_NOT_BILLABLE = "icd10_not_billable"
    HCPCS_UNKNOWN = "hcpcs_unknown"
    DATE_IMPLAUSIBLE = "date_implausible"
    LOW_CONFIDENCE = "low_confidence"
    #: A code was read only after OCR-confusion repair; the clerk should compare it to the page.
    CODE_REPAIRED = "code_repaired"
    #: The fax holds no order (blank, a cover sheet alone, a letter or form ordering nothing);
    #: the message says which, and the referral carries no values, urgency or due time.
    NOT_AN_ORDER = "not_an_order"
    #: Reading one part of the order failed (a defect in the extractor, not the fax): the
    #: rest was read, and the clerk reads this part from the page.
    NOT_READ = "not_read"


def _phone_digits(value: object) -> object:
    # Orders write phones as "(555) 123-4567" or "+1 555.123.4567"; store the ten NANP digits.
    if not isinstance(value, str):
        return value
    digits = re.sub(r"[\s().+-]", "", value)
    if len(digits) == 11 and digits.startswith("1"):
        return digits[1:]
    return digits


def _zip5(value: object) -> object:
    # ZIP+4 adds nothing for delivery scheduling, and the contract keeps five digits.
    if not isinstance(value, str):
        return value
    value = value.strip()
    return value[:5] if re.fullmatch(r"[0-9]{5}-?[0-9]{4}", value) else value


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def _dotted_icd(value: object) -> object:
    if not isinstance(value, str):
        return value
    return icd10.normalize(value) or value


# Constraints come before the BeforeValidator so that the JSON schema keeps the pattern.
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9]{10}$"), BeforeValidator(_phone_digits)]
State = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$"), BeforeValidator(_upper)]
PostalCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{5}$"), BeforeValidator(_zip5)]
#: Shape only: a ten-digit number with a bad check digit is kept and flagged npi_checksum.
Npi = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{10}$")]
IcdCodeText = Annotated[
    str, StringConstraints(pattern=icd10.DOTTED_PATTERN), BeforeValidator(_dotted_icd)
]
HcpcsCodeText = Annotated[str, StringConstraints(pattern=hcpcs.PATTERN), BeforeValidator(_upper)]
#: A code an item's row prints: HCPCS Level II, or Level I, which is CPT (a home infusion
#: nursing visit is billed as 99601).
ItemCodeText = Annotated[
    str,
    StringConstraints(pattern=f"{hcpcs.PATTERN}|{cpt.PATTERN}"),
    BeforeValidator(_upper),
]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class _Model(BaseModel):
    # Extractors fill a referral in step by step; assignment is validated like construction.
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Address(_Model):
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: State | None = None
    postal_code: PostalCode | None = None


class Member(_Model):
    first_name: str | None = None
    last_name: str | None = None
    dob: dt.date | None = None
    sex: Sex | None = None
    member_id: str | None = None
    phone: Phone | None = None
    address: Address = Field(default_factory=Address)


class Payer(_Model):
    name: str | None = None
    group_number: str | None = None


class Clinician(_Model):
    first_name: str | None = None
    last_name: str | None = None
    credentials: str | None = None
    npi: Npi | None = None
    phone: Phone | None = None
    fax: Phone | None = None
    organization: str | None = None


class Diagnosis(_Model):
    code: IcdCodeText | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _code_or_description(self) -> Self:
        # "Dx: COPD" with no code is still worth showing; an entry with neither is not.
        if self.code is None and not self.description:
            raise ValueError("a diagnosis needs a code or a description")
        return self


class Procedure(_Model):
    code: str
    system: ProcedureSystem
    description: str | None = None

    @model_validator(mode="after")
    def _code_fits_system(self) -> Self:
        fits = (
            re.fullmatch(hcpcs.PATTERN, self.code) is not None
            if self.system == "HCPCS"
            else is_cpt_format(self.code)
        )
        if not fits:
            raise ValueError(f"{self.code!r} is not shaped like a {self.system} code")
        return self


class Item(_Model):
    description: str | None = None
    #: The printed code, HCPCS Level II or CPT (``code_system`` says which).
    hcpcs: ItemCodeText | None = None
    quantity: int | None = Field(default=None, ge=1)
    frequency: str | None = None
    flow_rate_lpm: float | None = Field(default=None, gt=0)
    #: CMS-484 range: 1 to 99 months, 99 meaning lifetime.
    length_of_need_months: int | None = Field(default=None, ge=1, le=99)
    brand_model: str | None = None
    #: The serial number of the unit a replacement item replaces.
    serial_number: str | None = None
    #: The one HCPCS code the item's name means, when the order prints none ("CPAP" is
    #: E0601). A suggestion for the clerk, never put in ``hcpcs``: that is the printed code.
    suggested_hcpcs: HcpcsCodeText | None = None

    @property
    def code_system(self) -> ProcedureSystem | None:
        if self.hcpcs is None:
            return None
        return "CPT" if is_cpt_format(self.hcpcs) else "HCPCS"


class Infusion(_Model):
    drug: str | None = None
    dose: str | None = None
    route: str | None = None
    frequency: str | None = None
    duration: str | None = None
    #: Vascular access as written: PICC, port, peripheral, midline.
    access: str | None = None


class Service(_Model):
    discipline: Discipline
    #: As written on the order, e.g. "2W4" = twice a week for four weeks.
    frequency: str | None = None


class Dates(_Model):
    order: dt.date | None = None
    service_start: dt.date | None = None
    discharge: dt.date | None = None
    #: The discharge's clock time when the order prints one, for the 24-hour urgency rule.
    discharge_time: dt.time | None = None
    signature: dt.date | None = None
    face_to_face: dt.date | None = None


class Signature(_Model):
    present: bool = False
    date: dt.date | None = None


class Flag(_Model):
    #: The path the flag is about, in the same spelling as ``evidence`` keys.
    field: str
    code: FlagCode
    message: str


class Evidence(_Model):
    page: int = Field(ge=1)
    #: x0, y0, x1, y1 as fractions of the upright page, like the reader's word boxes.
    bbox: tuple[Fraction, Fraction, Fraction, Fraction]
    confidence: Fraction
    text: str

    @model_validator(mode="after")
    def _ordered_box(self) -> Self:
        x0, y0, x1, y1 = self.bbox
        if x0 > x1 or y0 > y1:
            raise ValueError("bbox must be [x0, y0, x1, y1] with x0 <= x1 and y0 <= y1")
        return self


class Source(_Model):
    filename: str
    sha256: Sha256
    pages: int = Field(ge=1)
    #: The page the order itself starts on, after cover sheets.
    order_page: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _order_page_in_document(self) -> Self:
        if self.order_page is not None and self.order_page > self.pages:
            raise ValueError("order_page is past the last page")
        return self


class Referral(_Model):
    #: Bumped when a stored referral can no longer be read by this model unchanged.
    schema_version: Literal[1] = 1
    referral_type: ReferralType = "unknown"
    member: Member = Field(default_factory=Member)
    payer: Payer = Field(default_factory=Payer)
    clinician: Clinician = Field(default_factory=Clinician)
    diagnoses: list[Diagnosis] = Field(default_factory=list)
    procedures: list[Procedure] = Field(default_factory=list)
    items: list[Item] = Field(default_factory=list)
    infusion: Infusion | None = None
    services: list[Service] = Field(default_factory=list)
    dates: Dates = Field(default_factory=Dates)
    signature: Signature = Field(default_factory=Signature)
    access_notes: list[str] = Field(default_factory=list)
    urgent: bool = False
    urgency_reason: str | None = None
    #: Timezone-aware so a deadline means the same instant to the worker, database and browser.
    due_by: AwareDatetime | None = None
    missing: list[MissingPath] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    #: Where on the page each value was read, keyed by path ("member.dob", "diagnoses.0.code").
    evidence: dict[str, Evidence] = Field(default_factory=dict)
    source: Source
