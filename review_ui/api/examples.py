"""Examples for the OpenAPI document: a made-up patient, checked against the real models so the
examples can never drift from what the API serves."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from extractors.referral import Referral
from intake.delivery import FeedPage, ReferralPage, StatusEvent, ValidatedReferral
from review_ui.fhir import FaxDocument, Validation, build_bundle

_VALUES = Referral.model_validate(
    {
        "referral_type": "dme",
        "member": {
            "first_name": "Jane",
            "last_name": "Example",
            "dob": "1948-02-29",
            "sex": "F",
            "member_id": "XAB123456789",
            "phone": "5555550123",
            "address": {
                "line1": "1 Example Street",
                "city": "Springfield",
                "state": "IL",
                "postal_code": "62701",
            },
        },
        "payer": {"name": "Example Health Plan", "group_number": "G-100"},
        "clinician": {
            "first_name": "Sam",
            "last_name": "Doctor",
            "credentials": "MD",
            "npi": "1234567893",
            "phone": "5555550100",
            "fax": "5555550101",
        },
        "diagnoses": [{"code": "J44.1", "description": "COPD with acute exacerbation"}],
        "procedures": [{"code": "E1390", "system": "HCPCS"}],
        "items": [
            {
                "description": "Oxygen concentrator",
                "hcpcs": "E1390",
                "quantity": 1,
                "flow_rate_lpm": 2.0,
                "length_of_need_months": 99,
            }
        ],
        "dates": {"order": "2026-03-02", "signature": "2026-03-02"},
        "signature": {"present": True, "date": "2026-03-02"},
        "access_notes": ["Second floor walk-up, no elevator"],
        "due_by": "2026-03-03T14:05:00Z",
        "source": {"filename": "fax.tiff", "sha256": "0" * 64, "pages": 2, "order_page": 1},
    }
)

REFERRAL = ValidatedReferral.model_validate(
    {
        "id": 1,
        "cursor": 1,
        "approved": _VALUES,
        "extracted": _VALUES,
        "review": {
            "validated_by": "clerk1",
            "validated_at": datetime(2026, 3, 2, 15, 30, tzinfo=UTC),
            "changed": False,
        },
        "document": {
            "id": 1,
            "media_type": "image/tiff",
            "pages": 2,
            "size_bytes": 48213,
            "sha256": "0" * 64,
            "received_at": datetime(2026, 3, 2, 14, 5, tzinfo=UTC),
        },
    }
)


def referral_example() -> dict[str, Any]:
    return REFERRAL.model_dump(mode="json")


def page_example() -> dict[str, Any]:
    page = ReferralPage(data=[REFERRAL], next_cursor=REFERRAL.cursor, has_more=False)
    return page.model_dump(mode="json")


def feed_example() -> dict[str, Any]:
    """A correction and a rejection, as a consumer asking for every event sees them."""
    corrected = REFERRAL.model_copy(update={"cursor": 7, "event": "corrected", "version": 2})
    rejected = StatusEvent(
        id=2, cursor=8, event="rejected", version=0, at=datetime(2026, 3, 2, 16, 2, tzinfo=UTC)
    )
    page = FeedPage(data=[corrected, rejected], next_cursor=8, has_more=True)
    return page.model_dump(mode="json")


#: The example's resource ids: fixed, so the published document does not change per process.
_EXAMPLE_IDS = uuid.UUID("00000000-0000-4000-8000-000000000000")


def fhir_example() -> dict[str, Any]:
    document = REFERRAL.document
    base = "https://intake.example.org"
    bundle = build_bundle(
        REFERRAL.approved,
        FaxDocument.served(document, f"{base}/api/v1/referrals/1/document"),
        lambda role: uuid.uuid5(_EXAMPLE_IDS, role),
        Validation(
            username=REFERRAL.review.validated_by,
            at=REFERRAL.review.validated_at,
            override_reason=None,
            users_system=f"{base}/users",
        ),
    )
    return bundle.model_dump(mode="json")
