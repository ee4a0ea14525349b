"""A validated referral as a FHIR R4 Bundle of US Core 6.1 resources, with the orders as Da
Vinci CRD profiles them.

The bundle is a ``collection`` (see README, "FHIR"): an identifier that stays the same on every
pull, the validation time as its timestamp, every resource with its profiles in meta.profile.
Pure: the contract's values, the document's metadata, the validation and a source of resource
ids in; a Bundle out. Resource ids come from ``ids`` by role ("patient", "condition/0"): the
API's are random and stored per referral, so every pull of a referral yields the same ids and
no two installations share one.

fhir.resources 8 ships R4B (4.3.0), whose JSON for these resources is that of R4 (4.0.1);
anything R5-only is carried by FHIR's cross-version extensions.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from fhir.resources.R4B.attachment import Attachment
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.documentreference import DocumentReference, DocumentReferenceContent
from fhir.resources.R4B.domainresource import DomainResource
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.reference import Reference

from extractors.codes import icd10
from extractors.referral import Diagnosis, Procedure, Referral
from intake.delivery import SourceDocument
from review_ui.fhir import orders, people, provenance, systems
from review_ui.fhir.provenance import Validation

#: A resource's id by its role in the referral's bundle.
ResourceIds = Callable[[str], uuid.UUID]
#: HCPCS letters of equipment and supplies: a leftover code of these is a device, not a service.
_EQUIPMENT_LETTERS = frozenset("ABEKL")
#: HCPCS J-codes name an infusion's drug per unit: with an infusion they code its medication.
_DRUG_LETTER = "J"


@dataclass(frozen=True)
class FaxDocument:
    """The original fax the referral was read from."""

    media_type: str | None
    size_bytes: int
    pages: int | None
    received_at: datetime
    #: Where the consumer fetches the original's bytes.
    url: str

    @classmethod
    def served(cls, document: SourceDocument, url: str) -> FaxDocument:
        """The original as the API describes it, fetched from ``url``."""
        return cls(
            media_type=document.media_type,
            size_bytes=document.size_bytes,
            pages=document.pages,
            received_at=document.received_at,
            url=url,
        )


def fresh_ids(role: str) -> uuid.UUID:
    """Ids for a bundle that is never stored (the CLI's preview): new ones on every call."""
    return uuid.uuid4()


class _Entries:
    def __init__(self, ids: ResourceIds) -> None:
        self._ids = ids
        self.entries: list[BundleEntry] = []
        self._references: list[Reference] = []

    def add(self, role: str, resource: DomainResource) -> Reference:
        rid = self._ids(role)
        resource.id = str(rid)
        kind = resource.get_resource_type()
        resource.meta = Meta(profile=list(systems.PROFILES[kind]))
        full_url = f"urn:uuid:{rid}"
        self.entries.append(BundleEntry(fullUrl=full_url, resource=resource))
        self._references.append(Reference(reference=full_url, type=kind))
        return self._references[-1]

    def references(self) -> list[Reference]:
        return list(self._references)


def build_bundle(
    referral: Referral,
    document: FaxDocument,
    ids: ResourceIds,
    validation: Validation | None,
) -> Bundle:
    """The referral's bundle. Without a ``validation`` (a preview of a referral nobody has
    validated yet) it has no validation Provenance and is stamped with the present time."""
    entries = _Entries(ids)
    patient = entries.add("patient", people.patient(referral.member, referral.payer))
    clinician = people.practitioner(referral.clinician)
    requester = entries.add("practitioner", clinician) if clinician else None
    practice = (
        entries.add("practice", Organization(active=True, name=referral.clinician.organization))
        if referral.clinician.organization
        else None
    )
    coverage = _coverage(entries, referral, patient)
    conditions = [
        entries.add(f"condition/{i}", _condition(dx, patient))
        for i, dx in enumerate(referral.diagnoses)
    ]
    fax = entries.add("document", _document_reference(document, patient, requester))
    order = orders.Order(
        subject=patient,
        requester=requester,
        authored=referral.dates.order,
        urgent=referral.urgent,
        reasons=[_diagnosis(dx) for dx in referral.diagnoses],
        conditions=conditions,
        coverage=coverage,
        fax=fax,
        group=Identifier(system=systems.URI, value=f"urn:uuid:{ids('order')}"),
        start=referral.dates.service_start,
        notes=orders.notes(referral),
    )
    requests = _requests(entries, referral, order)
    if referral.signature.present:
        signed_on = referral.signature.date or referral.dates.signature
        entries.add(
            "provenance/signature",
            provenance.signed(
                requester, practice, signed_on, document.received_at, [*requests, fax]
            ),
        )
    if validation is not None:
        entries.add("provenance/validation", provenance.validated(validation, entries.references()))
    stamp = validation.at if validation is not None else datetime.now(UTC)
    return Bundle(
        identifier=Identifier(system=systems.URI, value=f"urn:uuid:{ids('bundle')}"),
        type="collection",
        timestamp=stamp,
        meta=Meta(lastUpdated=stamp),
        entry=entries.entries,
    )


def _requests(entries: _Entries, referral: Referral, order: orders.Order) -> list[Reference]:
    added = [
        entries.add(f"device/{i}", orders.device_request(item, order))
        for i, item in enumerate(referral.items)
    ]
    for i, service in enumerate(referral.services):
        for j, request in enumerate(orders.visit_requests(service, order)):
            added.append(entries.add(f"visits/{i}/{j}", request))
    others = _procedures_not_ordered_otherwise(referral)
    if referral.infusion is not None:
        drugs = [p for p in others if p.system == "HCPCS" and p.code[0] == _DRUG_LETTER]
        others = [p for p in others if p not in drugs]
        added.append(
            entries.add("medication", orders.medication_request(referral.infusion, drugs, order))
        )
    for i, procedure in enumerate(others):
        if procedure.system == "HCPCS" and procedure.code[0] in _EQUIPMENT_LETTERS:
            device = orders.device_request_for(orders.procedure_concept(procedure), order)
            added.append(entries.add(f"procedure/{i}", device))
        else:
            added.append(entries.add(f"procedure/{i}", orders.service_request(procedure, order)))
    return added


def _coverage(entries: _Entries, referral: Referral, patient: Reference) -> Reference | None:
    member, payer = referral.member, referral.payer
    if member.member_id is None and payer.name is None:
        return None
    organization = people.payer_organization(payer)
    payor = entries.add("payer", organization) if organization else None
    return entries.add("coverage", people.coverage(member, payer, patient, payor))


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
        coding=[
            Coding(
                system=systems.CONDITION_CATEGORY,
                code="encounter-diagnosis",
                display="Encounter Diagnosis",
            )
        ]
    )
    return Condition(category=[category], code=_diagnosis(dx), subject=patient)


def _document_reference(
    document: FaxDocument, patient: Reference, author: Reference | None
) -> DocumentReference:
    pages = f", {document.pages} page(s)" if document.pages else ""
    kind = CodeableConcept(
        coding=[Coding(system=systems.LOINC, code=systems.REFERRAL_NOTE, display="Referral note")],
        text="Faxed order",
    )
    category = CodeableConcept(
        coding=[
            Coding(system=systems.DOCUMENT_CATEGORY, code="clinical-note", display="Clinical Note")
        ]
    )
    return DocumentReference(
        status="current",
        type=kind,
        category=[category],
        subject=patient,
        date=document.received_at,
        author=[author] if author else None,
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


def _procedures_not_ordered_otherwise(referral: Referral) -> list[Procedure]:
    """Procedure codes that no item or visit line already carries, each once."""
    covered = {(item.code_system, item.hcpcs) for item in referral.items if item.hcpcs}
    covered |= {("HCPCS", systems.VISITS[s.discipline].hcpcs) for s in referral.services}
    others: list[Procedure] = []
    for procedure in referral.procedures:
        key = (procedure.system, procedure.code)
        if key not in covered:
            covered.add(key)
            others.append(procedure)
    return others
