"""FHIR's data-absent-reason extension, for an element a profile requires that the order does
not carry: the element says "not on the order" instead of a value someone made up."""

from __future__ import annotations

from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.fhirprimitiveextension import FHIRPrimitiveExtension

from review_ui.fhir.systems import DATA_ABSENT_REASON


def reason() -> list[Extension]:
    """The extension list of a complex element (a name, a reference) the order does not give.
    "unknown": the order did not say, so nobody here knows the value."""
    return [Extension(url=DATA_ABSENT_REASON, valueCode="unknown")]


def primitive() -> FHIRPrimitiveExtension:
    """The ``_element`` of a primitive the order does not give (``_authoredOn``, ``_value``)."""
    return FHIRPrimitiveExtension(extension=reason())
