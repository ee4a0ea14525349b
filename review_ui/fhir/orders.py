"""The order's requests: a DeviceRequest per item of equipment, a ServiceRequest per phase of
home-health visits and per other procedure, a MedicationRequest for an infusion. What every
request of one referral shares (patient, clinician, date, reasons, coverage, the fax, the
notes the order carries) is an _Order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.devicerequest import DeviceRequest, DeviceRequestParameter
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.servicerequest import ServiceRequest

from extractors.codes import hcpcs
from extractors.referral import Infusion, Item, Procedure, ProcedureSystem, Referral, Service
from review_ui.fhir import absent, systems
from review_ui.fhir.dosage import dosage
from review_ui.fhir.timing import visit_phases

#: CMS-484: a length of need of 99 months means lifetime.
_LIFETIME_MONTHS = 99


@dataclass(frozen=True)
class Order:
    """What every request resource of one referral shares."""

    subject: Reference
    requester: Reference | None
    authored: date | None
    urgent: bool
    reasons: list[CodeableConcept]
    conditions: list[Reference]
    coverage: Reference | None
    fax: Reference
    #: Shared by every request of the order (DeviceRequest.groupIdentifier,
    #: ServiceRequest.requisition): a consumer sees which requests were ordered together.
    group: Identifier
    start: date | None
    notes: list[Annotation]

    def fields(self, group_element: str = "groupIdentifier") -> dict[str, Any]:
        # The three request resources spell these elements the same way.
        return {
            "status": "active",
            "intent": "order",
            "priority": "urgent" if self.urgent else "routine",
            "subject": self.subject,
            "authoredOn": self.authored,
            "authoredOn__ext": absent.primitive() if self.authored is None else None,
            "requester": self.requester or Reference(extension=absent.reason()),
            "reasonCode": self.reasons or None,
            "reasonReference": self.conditions or None,
            "insurance": [self.coverage] if self.coverage else None,
            "supportingInfo": [self.fax],
            group_element: self.group,
            "note": self.notes or None,
        }


def notes(referral: Referral) -> list[Annotation]:
    """What the order says beside the requests, for whoever schedules them."""
    dates = referral.dates
    discharge = None
    if dates.discharge is not None:
        at = f" {dates.discharge_time:%H:%M}" if dates.discharge_time else ""
        discharge = f"{dates.discharge.isoformat()}{at}"
    lines = [
        ("Urgent", referral.urgency_reason if referral.urgent else None),
        ("Discharged", discharge),
        ("Face-to-face encounter", dates.face_to_face.isoformat() if dates.face_to_face else None),
        *(("Home access", note) for note in referral.access_notes),
    ]
    return [Annotation(text=f"{label}: {value}") for label, value in lines if value]


def hcpcs_coding(code: str) -> Coding:
    known = hcpcs.lookup(code)
    return Coding(
        system=systems.HCPCS, code=code, display=known.long_description if known else None
    )


def code_coding(system: ProcedureSystem, code: str) -> Coding:
    """A HCPCS Level II code with its table's text; a CPT code by its number alone (its code
    set is not shipped)."""
    return hcpcs_coding(code) if system == "HCPCS" else Coding(system=systems.CPT, code=code)


def procedure_concept(procedure: Procedure) -> CodeableConcept:
    return CodeableConcept(
        coding=[code_coding(procedure.system, procedure.code)], text=procedure.description
    )


def device_request(item: Item, order: Order) -> DeviceRequest:
    text = item.description or item.brand_model
    code = CodeableConcept(
        coding=[code_coding(item.code_system, item.hcpcs)]
        if item.code_system and item.hcpcs
        else None,
        text=text if text or item.hcpcs else "Equipment as described on the order",
    )
    parameters = [
        parameter
        for parameter in (_flow_rate(item.flow_rate_lpm), _length_of_need(item))
        if parameter is not None
    ]
    written = [
        Annotation(text=f"{label}: {value}")
        for label, value in (
            ("Frequency", item.frequency),
            ("Brand/model", item.brand_model),
            ("Replaces serial number", item.serial_number),
        )
        if value
    ]
    request = device_request_for(code, order)
    request.extension = (
        [Extension(url=systems.DEVICE_REQUEST_QUANTITY, valueInteger=item.quantity)]
        if item.quantity
        else None
    )
    request.parameter = parameters or None
    request.note = written + order.notes or None
    return request


def device_request_for(code: CodeableConcept, order: Order) -> DeviceRequest:
    return DeviceRequest(
        **order.fields(),
        codeCodeableConcept=code,
        # From the start of service on; how long is the length of need, when given.
        occurrencePeriod=Period(start=order.start) if order.start else None,
    )


def _flow_rate(lpm: float | None) -> DeviceRequestParameter | None:
    if lpm is None:
        return None
    code = CodeableConcept(
        coding=[
            Coding(
                system=systems.LOINC,
                code=systems.OXYGEN_FLOW_RATE,
                display="Inhaled oxygen flow rate",
            )
        ],
        text="Flow rate",
    )
    return DeviceRequestParameter(
        code=code,
        valueQuantity=Quantity(value=lpm, unit="L/min", system=systems.UCUM, code="L/min"),
    )


def _length_of_need(item: Item) -> DeviceRequestParameter | None:
    months = item.length_of_need_months
    if months is None:
        return None
    code = CodeableConcept(text="Length of need")
    if months == _LIFETIME_MONTHS:
        return DeviceRequestParameter(
            code=code, valueCodeableConcept=CodeableConcept(text="Lifetime")
        )
    return DeviceRequestParameter(
        code=code,
        valueQuantity=Quantity(value=months, unit="months", system=systems.UCUM, code="mo"),
    )


def visit_requests(service: Service, order: Order) -> list[ServiceRequest]:
    """One ServiceRequest per phase of the written frequency ("2W3, 1W6" is two)."""
    visits = systems.VISITS[service.discipline]
    code = CodeableConcept(coding=[hcpcs_coding(visits.hcpcs)], text=visits.name)
    phases = visit_phases(service.frequency, order.start) if service.frequency else []
    written = (
        [Annotation(text=f"Frequency as written: {service.frequency}")] if len(phases) > 1 else []
    )
    requests = [
        ServiceRequest(
            **order.fields("requisition"),
            code=code,
            performerType=CodeableConcept(text=visits.performer),
            occurrenceTiming=phase.timing,
            quantityQuantity=_visits(phase.visits),
        )
        for phase in phases
    ] or [
        ServiceRequest(
            **order.fields("requisition"),
            code=code,
            performerType=CodeableConcept(text=visits.performer),
        )
    ]
    for request in requests:
        request.note = written + order.notes or None
    return requests


def _visits(count: int | None) -> Quantity | None:
    # "{visit}" is a UCUM annotation: a count of visits, unit 1.
    if count is None:
        return None
    return Quantity(value=count, unit="visits", system=systems.UCUM, code="{visit}")


def service_request(procedure: Procedure, order: Order) -> ServiceRequest:
    return ServiceRequest(**order.fields("requisition"), code=procedure_concept(procedure))


def medication_request(
    infusion: Infusion, drug_codes: Sequence[Procedure], order: Order
) -> MedicationRequest:
    """The infusion's drug (its J-codes as codings beside the written name), with the dose,
    route and timing structured where they read unambiguously."""
    medication = CodeableConcept(
        coding=[hcpcs_coding(p.code) for p in drug_codes] or None,
        text=infusion.drug or "Infusion as described on the order",
    )
    written = [
        Annotation(text=f"{label}: {value}")
        for label, value in (("Duration", infusion.duration), ("Vascular access", infusion.access))
        if value
    ]
    fields = order.fields()
    fields["note"] = written + order.notes or None
    # MedicationRequest spells DeviceRequest's and ServiceRequest's supportingInfo this way.
    fields["supportingInformation"] = fields.pop("supportingInfo")
    instructions = dosage(infusion, order.start)
    return MedicationRequest(
        **fields,
        medicationCodeableConcept=medication,
        dosageInstruction=[instructions] if instructions else None,
    )
