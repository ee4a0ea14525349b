"""FHIR R4 export of validated referrals."""

from review_ui.fhir.bundle import FaxDocument, ResourceIds, build_bundle, fresh_ids
from review_ui.fhir.provenance import Validation

__all__ = ["FaxDocument", "ResourceIds", "Validation", "build_bundle", "fresh_ids"]
