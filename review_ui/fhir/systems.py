"""Code systems and fixed codes of the bundle: the URIs consumers match on."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from extractors.referral import Discipline

NPI = "http://hl7.org/fhir/sid/us-npi"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
CPT = "http://www.ama-assn.org/go/cpt"
UCUM = "http://unitsofmeasure.org"
V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
COVERAGE_CLASS = "http://terminology.hl7.org/CodeSystem/coverage-class"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
#: R4 DeviceRequest has no quantity element; FHIR's cross-version extension carries R5's.
DEVICE_REQUEST_QUANTITY = (
    "http://hl7.org/fhir/5.0/StructureDefinition/extension-DeviceRequest.quantity"
)


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
