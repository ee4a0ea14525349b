"""What consumers receive: the contract JSON with the clerk's values and the review, the
original fax, the FHIR bundle, per-consumer pending lists and acks; and every read audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlmodel import col, select

from intake import review
from intake.clock import utcnow
from intake.db.audit import AuditEvent
from intake.db.engine import session_scope
from tests.review_ui.api import seed

CORPUS = Path(__file__).resolve().parents[3] / "samples" / "corpus"


def _audit(services, action: str) -> list[AuditEvent]:
    with session_scope(services.engine) as session:
        return list(
            session.exec(
                select(AuditEvent)
                .where(col(AuditEvent.action) == action)
                .order_by(col(AuditEvent.id))
            ).all()
        )


def test_a_validated_referral_carries_values_review_and_document(services, api):
    fax = (CORPUS / "order-0002.tiff").read_bytes()
    extracted = seed.referral_values(1)
    document_id = seed.add_document(services, extracted, fax, media_type="image/tiff")
    clerk = seed.clerk(services, "clara")
    # The clerk corrects the member's phone before validating.
    with session_scope(services.engine) as session:
        review.save_values(
            session, document_id, clerk, {"member.phone": "(555) 555-0199"}, utcnow(), seed.HOLD
        )
    seed.validate(services, document_id, clerk)
    secret = seed.token(services, "crm")

    body = api.get("/api/v1/referrals/1", headers=seed.bearer(secret)).json()
    assert body["status"] == "validated"
    assert body["cursor"] == 1
    assert body["approved"]["member"]["phone"] == "5555550199"
    assert body["extracted"]["member"]["phone"] == extracted["member"]["phone"]
    # The sender's file name (often the patient's) stays with the clerk: the API names the
    # original by the referral's id.
    assert body["extracted"] == {
        **extracted,
        "source": {**extracted["source"], "filename": "referral-1.tiff"},
    }
    assert body["approved"]["source"]["filename"] == "referral-1.tiff"
    assert extracted["source"]["filename"] not in str(body)
    assert body["review"]["validated_by"] == "clara"
    assert body["review"]["changed"] is True
    assert body["document"]["media_type"] == "image/tiff"
    assert body["document"]["size_bytes"] == len(fax)

    original = api.get("/api/v1/referrals/1/document", headers=seed.bearer(secret))
    assert original.content == fax
    assert original.headers["content-type"] == "image/tiff"
    # Named by id: the sender's file name may carry PHI.
    assert original.headers["content-disposition"] == 'attachment; filename="referral-1.tiff"'

    fhir = api.get("/api/v1/referrals/1/fhir", headers=seed.bearer(secret))
    assert fhir.headers["content-type"] == "application/fhir+json"
    Bundle.model_validate_json(fhir.content)
    resources = {e["resource"]["resourceType"]: e["resource"] for e in fhir.json()["entry"]}
    assert resources["Patient"]["telecom"][0]["value"] == "5555550199"
    attachment = resources["DocumentReference"]["content"][0]["attachment"]
    # From the configured base URL, whatever Host header the request carried.
    assert attachment["url"] == f"{services.settings.base_url}/api/v1/referrals/1/document"
    spoofed = api.get(
        "/api/v1/referrals/1/fhir", headers={**seed.bearer(secret), "host": "evil.example"}
    )
    assert "evil.example" not in spoofed.text
    assert attachment["contentType"] == "image/tiff"


def test_every_read_is_audited_with_the_token_name(services, api):
    clerk = seed.clerk(services, "clara")
    documents = seed.add_documents(services, 3)
    for document_id in documents:
        seed.validate(services, document_id, clerk)
    secret = seed.token(services, "care-platform")
    headers = seed.bearer(secret)

    assert len(api.get("/api/v1/referrals", headers=headers).json()["data"]) == 3
    api.get("/api/v1/referrals/pending?limit=2", headers=headers)
    api.get("/api/v1/referrals/2", headers=headers)
    api.get("/api/v1/referrals/2/fhir", headers=headers)
    api.get("/api/v1/referrals/3/document", headers=headers)
    api.post("/api/v1/referrals/3/ack", headers=headers)
    api.post("/api/v1/referrals/3/ack", headers=headers)
    api.get("/api/v1/referrals/999", headers=headers)

    reads = _audit(services, "api_read")
    assert [(e.actor, e.document_id, e.detail) for e in reads] == [
        ("care-platform", 1, "list referral 1"),
        ("care-platform", 2, "list referral 2"),
        ("care-platform", 3, "list referral 3"),
        ("care-platform", 1, "pending referral 1"),
        ("care-platform", 2, "pending referral 2"),
        ("care-platform", 2, "json referral 2"),
        ("care-platform", 2, "fhir referral 2"),
        ("care-platform", 3, "document referral 3"),
    ]
    assert {e.token_id for e in reads} == {1}
    assert all(e.client_addr == "testclient" for e in reads)
    acks = _audit(services, "api_ack")
    assert [(e.actor, e.document_id, e.detail) for e in acks] == [
        ("care-platform", 3, "referral 3 version 1")
    ]


def test_pending_and_ack_are_per_consumer_and_idempotent(services, api):
    clerk = seed.clerk(services, "clara")
    for document_id in seed.add_documents(services, 3):
        seed.validate(services, document_id, clerk)
    crm = seed.bearer(seed.token(services, "crm"))
    payer = seed.bearer(seed.token(services, "payer"))

    first = api.post("/api/v1/referrals/2/ack", headers=crm).json()
    again = api.post("/api/v1/referrals/2/ack", headers=crm).json()
    assert first["already_acknowledged"] is False
    assert again["already_acknowledged"] is True
    assert again["acknowledged_at"] == first["acknowledged_at"]

    pending = api.get("/api/v1/referrals/pending", headers=crm).json()
    assert [r["id"] for r in pending["data"]] == [1, 3]
    assert [
        r["id"] for r in api.get("/api/v1/referrals/pending", headers=payer).json()["data"]
    ] == [
        1,
        2,
        3,
    ]
    # The cursor list is the same for everyone; acks do not change it.
    assert [r["id"] for r in api.get("/api/v1/referrals", headers=crm).json()["data"]] == [1, 2, 3]


def test_pages_follow_the_order_of_validation(services, api):
    clerk = seed.clerk(services, "clara")
    documents = seed.add_documents(services, 5)
    for document_id in reversed(documents):
        seed.validate(services, document_id, clerk)
    headers = seed.bearer(seed.token(services, "crm"))

    seen: list[int] = []
    cursor = 0
    while True:
        page = api.get(f"/api/v1/referrals?after={cursor}&limit=2", headers=headers).json()
        seen += [r["id"] for r in page["data"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == [5, 4, 3, 2, 1]
    assert cursor == 5
    empty = api.get(f"/api/v1/referrals?after={cursor}", headers=headers).json()
    assert empty == {"data": [], "next_cursor": 5, "has_more": False}


@pytest.mark.databases("sqlite")
def test_the_openapi_document_has_examples_and_bearer_auth(services, api):
    document = api.get("/api/v1/openapi.json").json()
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) == 8
    listing = document["paths"]["/api/v1/referrals"]["get"]
    example = listing["responses"]["200"]["content"]["application/json"]["example"]
    assert example["data"][0]["approved"]["clinician"]["npi"] == "1234567893"
    assert listing["responses"]["401"]["content"]["application/problem+json"]["example"][
        "code"
    ] == ("token_missing")
    assert {p["name"]: "examples" in p for p in listing["parameters"]} == {
        "after": True,
        "limit": True,
        "status": False,
        "events": False,
    }
    # Only the API: none of the review UI's pages.
    assert all(path.startswith("/api/v1/") for path in document["paths"])
