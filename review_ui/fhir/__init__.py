"""FHIR R4 export of validated referrals."""

from review_ui.fhir.bundle import FaxDocument, build_bundle

__all__ = ["FaxDocument", "build_bundle"]
