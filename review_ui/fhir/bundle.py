"""A validated referral as a FHIR R4 Bundle, following the HL7 post-acute orders (dme-orders)
and Da Vinci CRD profiles where they apply.

Pure: the contract's values and the document's metadata in, a Bundle out. Resources get
deterministic ids derived from the referral id, so every read of a referral yields the same
bundle and a consumer can tell a repeat from a new order.

fhir.resources 8 ships R4B (4.3.0), whose JSON for these resources is that of R4 (4.0.1);
anything R5-only is carried by FHIR's cross-version extensions.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fhir.resources.R4B.address import Address
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.attachment import Attachment
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.coverage import Coverage, CoverageClass
from fhir.resources.R4B.devicerequest import DeviceRequest, DeviceRequestParameter
from fhir.resources.R4B.documentreference import DocumentReference, DocumentReferenceContent
from fhir.resources.R4B.domainresource import DomainResource
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.timing import Timing

from extractors.codes import hcpcs, icd10
from extractors.referral import (
    Clinician,
    Diagnosis,
    Infusion,
    Item,
    Member,
    Payer,
    Procedure,
    Referral,
    Service,
)
from review_ui.fhir import systems
from review_ui.fhir.timing import visit_plan

#: Fixed, so that the same referral always gets the same resource ids.
_NAMESPACE = uuid.UUID("5b0f3f0e-7c1d-4a59-9a53-2f3c8f0d6a41")
_GENDER = {"M": "male", "F": "female", "U": "unknown"}
#: HCPCS letters of equipment and supplies: a leftover code of these is a device, not a service.
_EQUIPMENT_LETTERS = frozenset("ABEKL")


@dataclass(frozen=True)
class FaxDocument:
    """The original fax the referral was read from."""

    referral_id: int
    media_type: str | None
    size_bytes: int
    pages: int | None
    received_at: datetime
    #: Where the consumer fetches the original's bytes.
    url: str


@dataclass(frozen=True)
class _Order:
    """What every request resource of one referral shares."""

    subject: Reference
    requester: Reference | None
    authored: date | None
    urgent: bool
    reasons: list[CodeableConcept]
    conditions: list[Reference]
    coverage: Reference | None
    fax: Reference

    def fields(self) -> dict[str, Any]:
        # DeviceRequest and ServiceRequest spell these elements the same way.
        return {
            "status": "active",
            "intent": "order",
            "priority": "urgent" if self.urgent else "routine",
            "subject": self.subject,
            "authoredOn": self.authored,
            "requester": self.requester,
            "reasonCode": self.reasons or None,
            "reasonReference": self.conditions or None,
            "insurance": [self.coverage] if self.coverage else None,
            "supportingInfo": [self.fax],
        }


class _Entries:
    def __init__(self, referral_id: int) -> None:
        self._referral_id = referral_id
        self.entries: list[BundleEntry] = []

    def add(self, role: str, resource: DomainResource) -> Reference:
        rid = uuid.uuid5(_NAMESPACE, f"referral/{self._referral_id}/{role}")
        resource.id = str(rid)
        full_url = f"urn:uuid:{rid}"
        self.entries.append(BundleEntry(fullUrl=full_url, resource=resource))
        return Reference(reference=full_url, type=resource.get_resource_type())


def build_bundle(referral: Referral, document: FaxDocument) -> Bundle:
    entries = _Entries(document.referral_id)
    patient = entries.add("patient", _patient(referral.member))
    clinician = _practitioner(referral.clinician)
    requester = entries.add("practitioner", clinician) if clinician else None
    coverage = _coverage(entries, referral.member, referral.payer, patient)
    conditions = [
        entries.add(f"condition/{i}", _condition(dx, patient))
        for i, dx in enumerate(referral.diagnoses)
    ]
    order = _Order(
        subject=patient,
        requester=requester,
        authored=referral.dates.order,
        urgent=referral.urgent,
        reasons=[_diagnosis(dx) for dx in referral.diagnoses],
        conditions=conditions,
        coverage=coverage,
        fax=entries.add("document", _document_reference(document, patient)),
    )
    for i, item in enumerate(referral.items):
        entries.add(f"device/{i}", _device_request(item, order))
    for i, service in enumerate(referral.services):
        entries.add(f"visits/{i}", _visits(service, order))
    others = _procedures_not_ordered_otherwise(referral)
    if referral.infusion is not None:
        # Drug J-codes and per-diem S-codes describe the infusion; they go with it.
        entries.add("infusion", _infusion(referral.infusion, others, order))
        others = []
    for i, procedure in enumerate(others):
        if procedure.system == "HCPCS" and procedure.code[0] in _EQUIPMENT_LETTERS:
            entries.add(f"procedure/{i}", _coded_device_request(procedure, order))
        else:
            entries.add(
                f"procedure/{i}",
                ServiceRequest(**order.fields(), code=_procedure_concept(procedure)),
            )
    return Bundle(type="collection", entry=entries.entries)


def _patient(member: Member) -> Patient:
    address = member.address
    has_address = any(
        (address.line1, address.line2, address.city, address.state, address.postal_code)
    )
    return Patient(
        name=_names(member.last_name, member.first_name),
        gender=_GENDER[member.sex] if member.sex else None,
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


def _names(
    family: str | None, given: str | None, suffix: str | None = None
) -> list[HumanName] | None:
    if not family and not given:
        return None
    return [
        HumanName(
            use="official",
            family=family,
            given=[given] if given else None,
            suffix=[suffix] if suffix else None,
        )
    ]


def _practitioner(clinician: Clinician) -> Practitioner | None:
    names = _names(clinician.last_name, clinician.first_name, clinician.credentials)
    if names is None and clinician.npi is None:
        return None
    telecom = [
        ContactPoint(system=kind, value=number, use="work")
        for kind, number in (("phone", clinician.phone), ("fax", clinician.fax))
        if number
    ]
    return Practitioner(
        identifier=[Identifier(system=systems.NPI, value=clinician.npi)] if clinician.npi else None,
        name=names,
        telecom=telecom or None,
    )


def _coverage(
    entries: _Entries, member: Member, payer: Payer, patient: Reference
) -> Reference | None:
    if member.member_id is None and payer.name is None:
        return None
    payor = (
        entries.add("payer", Organization(name=payer.name))
        if payer.name
        else Reference(display="Payer not stated on the order")
    )
    member_id_type = CodeableConcept(
        coding=[Coding(system=systems.V2_IDENTIFIER_TYPE, code="MB", display="Member Number")]
    )
    group = CodeableConcept(coding=[Coding(system=systems.COVERAGE_CLASS, code="group")])
    coverage = Coverage(
        status="active",
        beneficiary=patient,
        payor=[payor],
        subscriberId=member.member_id,
        identifier=[Identifier(type=member_id_type, value=member.member_id)]
        if member.member_id
        else None,
        class_fhir=[CoverageClass(type=group, value=payer.group_number)]
        if payer.group_number
        else None,
    )
    return entries.add("coverage", coverage)


def _diagnosis(dx: Diagnosis) -> CodeableConcept:
    coding = None
    if dx.code is not None:
        known = icd10.lookup(dx.code)
        coding = [
            Coding(
                system=systems.ICD10CM, code=dx.code, display=known.description if known else None
            )
        ]
    return CodeableConcept(coding=coding, text=dx.description)


def _condition(dx: Diagnosis, patient: Reference) -> Condition:
    category = CodeableConcept(
        coding=[Coding(system=systems.CONDITION_CATEGORY, code="encounter-diagnosis")]
    )
    return Condition(category=[category], code=_diagnosis(dx), subject=patient)


def _document_reference(document: FaxDocument, patient: Reference) -> DocumentReference:
    pages = f", {document.pages} page(s)" if document.pages else ""
    return DocumentReference(
        status="current",
        subject=patient,
        date=document.received_at,
        description=f"The order as faxed{pages}",
        content=[
            DocumentReferenceContent(
                attachment=Attachment(
                    contentType=document.media_type,
                    url=document.url,
                    size=document.size_bytes,
                    creation=document.received_at,
                    title="Faxed order",
                )
            )
        ],
    )


def _hcpcs_coding(code: str) -> Coding:
    known = hcpcs.lookup(code)
    return Coding(
        system=systems.HCPCS, code=code, display=known.long_description if known else None
    )


def _procedure_concept(procedure: Procedure) -> CodeableConcept:
    if procedure.system == "HCPCS":
        coding = _hcpcs_coding(procedure.code)
    else:
        coding = Coding(system=systems.CPT, code=procedure.code)
    return CodeableConcept(coding=[coding], text=procedure.description)


def _device_request(item: Item, order: _Order) -> DeviceRequest:
    text = item.description or item.brand_model
    code = CodeableConcept(
        coding=[_hcpcs_coding(item.hcpcs)] if item.hcpcs else None,
        text=text if text or item.hcpcs else "Equipment as described on the order",
    )
    parameters = [
        DeviceRequestParameter(code=CodeableConcept(text=name), valueQuantity=quantity)
        for name, quantity in (
            ("Flow rate", _ucum(item.flow_rate_lpm, "L/min")),
            ("Length of need", _ucum(item.length_of_need_months, "mo")),
        )
        if quantity is not None
    ]
    notes = [
        Annotation(text=f"{label}: {value}")
        for label, value in (("Frequency", item.frequency), ("Brand/model", item.brand_model))
        if value
    ]
    return DeviceRequest(
        **order.fields(),
        codeCodeableConcept=code,
        extension=[Extension(url=systems.DEVICE_REQUEST_QUANTITY, valueInteger=item.quantity)]
        if item.quantity
        else None,
        parameter=parameters or None,
        note=notes or None,
    )


def _coded_device_request(procedure: Procedure, order: _Order) -> DeviceRequest:
    return DeviceRequest(**order.fields(), codeCodeableConcept=_procedure_concept(procedure))


def _ucum(value: float | None, unit: str) -> Quantity | None:
    if value is None:
        return None
    return Quantity(value=value, unit=unit, system=systems.UCUM, code=unit)


def _visits(service: Service, order: _Order) -> ServiceRequest:
    visits = systems.VISITS[service.discipline]
    plan = visit_plan(service.frequency) if service.frequency else None
    return ServiceRequest(
        **order.fields(),
        code=CodeableConcept(coding=[_hcpcs_coding(visits.hcpcs)], text=visits.name),
        performerType=CodeableConcept(text=visits.performer),
        occurrenceTiming=plan.timing if plan else None,
        quantityQuantity=Quantity(value=plan.visits, unit="visits")
        if plan and plan.visits
        else None,
    )


def _infusion(infusion: Infusion, procedures: Sequence[Procedure], order: _Order) -> ServiceRequest:
    written = [
        CodeableConcept(text=f"{label}: {value}")
        for label, value in (
            ("Drug", infusion.drug),
            ("Dose", infusion.dose),
            ("Route", infusion.route),
            ("Frequency", infusion.frequency),
            ("Duration", infusion.duration),
            ("Vascular access", infusion.access),
        )
        if value
    ]
    what = f"Home infusion therapy: {infusion.drug}" if infusion.drug else "Home infusion therapy"
    return ServiceRequest(
        **order.fields(),
        code=CodeableConcept(text=what),
        orderDetail=[_procedure_concept(p) for p in procedures] + written or None,
        occurrenceTiming=Timing(code=CodeableConcept(text=infusion.frequency))
        if infusion.frequency
        else None,
    )


def _procedures_not_ordered_otherwise(referral: Referral) -> list[Procedure]:
    """Procedure codes that no item or visit line already carries, each once."""
    covered = {("HCPCS", item.hcpcs) for item in referral.items if item.hcpcs}
    covered |= {("HCPCS", systems.VISITS[s.discipline].hcpcs) for s in referral.services}
    others: list[Procedure] = []
    for procedure in referral.procedures:
        key = (procedure.system, procedure.code)
        if key not in covered:
            covered.add(key)
            others.append(procedure)
    return others
