"""Who the order is for, who wrote it and who pays: Patient, Practitioner, Organization and
Coverage as US Core 6.1 profiles them. An element a profile requires that the order does not
give carries the data-absent-reason extension, never a made-up value."""

from __future__ import annotations

from fhir.resources.R4B.address import Address
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.coverage import Coverage, CoverageClass
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.reference import Reference

from extractors.codes.mbi import is_mbi
from extractors.referral import Clinician, Member, Payer
from review_ui.fhir import absent, systems

_GENDER = {"M": "male", "F": "female", "U": "unknown"}


def _identifier_type(code: str, display: str) -> CodeableConcept:
    return CodeableConcept(
        coding=[Coding(system=systems.V2_IDENTIFIER_TYPE, code=code, display=display)]
    )


def member_identifier(member: Member, payer: Payer, on_patient: bool) -> Identifier:
    """The member ID under its system: us-mbi for an MBI, the payer's otherwise. On the Patient
    an MBI is typed as a Medicare number (MC), on the Coverage as the member number (MB),
    the slice US Core's Coverage reads the member ID from."""
    value = member.member_id
    mbi = value is not None and is_mbi(value)
    system = systems.MBI if mbi else systems.member_id_system(payer.name)
    kind = (
        _identifier_type("MC", "Patient's Medicare number")
        if mbi and on_patient
        else _identifier_type("MB", "Member Number")
    )
    return Identifier(
        use="usual" if on_patient else None,
        type=kind,
        system=system,
        system__ext=absent.primitive() if system is None else None,
        value=value,
        value__ext=absent.primitive() if value is None else None,
    )


def patient(member: Member, payer: Payer) -> Patient:
    address = member.address
    has_address = any(
        (address.line1, address.line2, address.city, address.state, address.postal_code)
    )
    gender = _GENDER[member.sex] if member.sex else None
    return Patient(
        identifier=[member_identifier(member, payer, on_patient=True)],
        name=names(member.last_name, member.first_name),
        gender=gender,
        gender__ext=absent.primitive() if gender is None else None,
        birthDate=member.dob,
        telecom=[ContactPoint(system="phone", value=member.phone, use="home")]
        if member.phone
        else None,
        address=[
            Address(
                use="home",
                line=[line for line in (address.line1, address.line2) if line] or None,
                city=address.city,
                state=address.state,
                postalCode=address.postal_code,
                country="US",
            )
        ]
        if has_address
        else None,
    )


def names(family: str | None, given: str | None, suffix: str | None = None) -> list[HumanName]:
    if not family and not given:
        return [HumanName(extension=absent.reason())]
    return [
        HumanName(
            use="official",
            family=family,
            family__ext=absent.primitive() if not family else None,
            given=[given] if given else None,
            suffix=[suffix] if suffix else None,
        )
    ]


def practitioner(clinician: Clinician) -> Practitioner | None:
    """None when the order names no clinician at all (no name, no NPI)."""
    if not (clinician.last_name or clinician.first_name or clinician.npi):
        return None
    telecom = [
        ContactPoint(system=kind, value=number, use="work")
        for kind, number in (("phone", clinician.phone), ("fax", clinician.fax))
        if number
    ]
    return Practitioner(
        identifier=[
            Identifier(
                system=systems.NPI,
                value=clinician.npi,
                value__ext=absent.primitive() if clinician.npi is None else None,
            )
        ],
        name=names(clinician.last_name, clinician.first_name, clinician.credentials),
        telecom=telecom or None,
    )


def payer_organization(payer: Payer) -> Organization | None:
    if payer.name is None:
        return None
    # The order names it as the organization paying for this order now: it is in business.
    return Organization(active=True, name=payer.name)


def coverage(member: Member, payer: Payer, patient: Reference, payor: Reference | None) -> Coverage:
    group = CodeableConcept(coding=[Coding(system=systems.COVERAGE_CLASS, code="group")])
    return Coverage(
        status="active",
        identifier=[member_identifier(member, payer, on_patient=False)],
        subscriberId=member.member_id,
        beneficiary=patient,
        # Whether the patient is the subscriber or a dependant is not on an order.
        relationship=CodeableConcept(extension=absent.reason()),
        payor=[payor or Reference(extension=absent.reason())],
        class_fhir=[CoverageClass(type=group, value=payer.group_number)]
        if payer.group_number
        else None,
    )
