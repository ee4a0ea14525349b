"""Code systems, fixed codes and profiles of the bundle: the URIs consumers match on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType

from extractors.referral import Discipline

NPI = "http://hl7.org/fhir/sid/us-npi"
#: Medicare Beneficiary Identifiers; any other member ID is scoped by its payer (member_id_system).
MBI = "http://hl7.org/fhir/sid/us-mbi"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
CPT = "http://www.ama-assn.org/go/cpt"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
#: Bundle and order identifiers are urn:uuid values under this system.
URI = "urn:ietf:rfc:3986"
V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
COVERAGE_CLASS = "http://terminology.hl7.org/CodeSystem/coverage-class"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
DOCUMENT_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013"
#: Author's signature (ASTM E1762), the kind a treating practitioner puts on an order.
AUTHOR_SIGNATURE = "1.2.840.10065.1.12.1.1"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
#: R4 DeviceRequest has no quantity element; FHIR's cross-version extension carries R5's.
DEVICE_REQUEST_QUANTITY = (
    "http://hl7.org/fhir/5.0/StructureDefinition/extension-DeviceRequest.quantity"
)
#: LOINC 3151-8 "Inhaled oxygen flow rate", the CMS-484's highest prescribed flow.
OXYGEN_FLOW_RATE = "3151-8"
#: LOINC 57133-1 "Referral note": the kind of document a faxed order is.
REFERRAL_NOTE = "57133-1"

_US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
_CRD = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/"

#: Each resource's profiles: US Core 6.1 and, for the orders, Da Vinci CRD 2.0. Versionless
#: canonicals, as US Core's own examples carry them.
PROFILES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "Patient": (_US_CORE + "us-core-patient",),
        "Practitioner": (_US_CORE + "us-core-practitioner",),
        "Organization": (_US_CORE + "us-core-organization",),
        "Coverage": (_US_CORE + "us-core-coverage",),
        "Condition": (_US_CORE + "us-core-condition-encounter-diagnosis",),
        "DocumentReference": (_US_CORE + "us-core-documentreference",),
        "DeviceRequest": (_CRD + "profile-devicerequest",),
        "ServiceRequest": (_US_CORE + "us-core-servicerequest", _CRD + "profile-servicerequest"),
        "MedicationRequest": (
            _US_CORE + "us-core-medicationrequest",
            _CRD + "profile-medicationrequest",
        ),
        "Provenance": (_US_CORE + "us-core-provenance",),
    }
)


def member_id_system(payer: str | None) -> str | None:
    """The system of a member ID that is not an MBI: the payer's name makes it, so the same
    payer's IDs share a system across installations. None when the order names no payer."""
    if payer is None:
        return None
    slug = re.sub(r"[^a-z0-9]+", "-", payer.lower()).strip("-")
    return f"urn:fax-intake:member-id:{slug}" if slug else None


@dataclass(frozen=True)
class Visits:
    """A home-health discipline: its visits, who makes them and the HCPCS code they bill as."""

    name: str
    performer: str
    hcpcs: str


VISITS: MappingProxyType[Discipline, Visits] = MappingProxyType(
    {
        "SN": Visits("Skilled nursing visits", "Registered nurse", "G0299"),
        "PT": Visits("Physical therapy visits", "Physical therapist", "G0151"),
        "OT": Visits("Occupational therapy visits", "Occupational therapist", "G0152"),
        "ST": Visits("Speech-language pathology visits", "Speech-language pathologist", "G0153"),
        "MSW": Visits("Medical social services visits", "Clinical social worker", "G0155"),
        "HHA": Visits("Home health aide visits", "Home health aide", "G0156"),
    }
)
