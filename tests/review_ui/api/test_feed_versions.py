"""Changes after validation, as consumers see them: a correction comes again in the cursor feed
and the pending list as the referral's next version; rejections and clarification requests
are status events that a consumer asks for, or never sees."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from intake import review
from intake.clock import utcnow
from intake.db.accounts import Role
from intake.db.audit import AuditEvent
from intake.db.engine import session_scope
from tests.review_ui.api import seed

STATUS_EVENTS = ("reopened", "rejected", "clarification_requested")
EVERY_EVENT = "events=validated&events=corrected&" + "&".join(f"events={e}" for e in STATUS_EVENTS)


def _feed(api, headers, query: str = "") -> list[dict[str, Any]]:
    response = api.get(f"/api/v1/referrals?{query}", headers=headers)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def _summary(items: list[dict[str, Any]]) -> list[tuple[int, int, str, int]]:
    return [(i["id"], i["cursor"], i["event"], i["version"]) for i in items]


def test_a_correction_comes_again_in_the_cursor_feed_as_the_next_version(services, api):
    clerk = seed.clerk(services, "clara")
    supervisor = seed.clerk(services, "sam", Role.supervisor)
    for document_id in seed.add_documents(services, 3):
        seed.validate(services, document_id, clerk)
    headers = seed.bearer(seed.token(services, "crm"))
    first = _feed(api, headers)
    assert _summary(first) == [
        (1, 1, "validated", 1),
        (2, 2, "validated", 1),
        (3, 3, "validated", 1),
    ]

    seed.reopen(services, 2, supervisor)
    # While it is being corrected the referral is not served; the feed says why if asked.
    assert api.get("/api/v1/referrals/2", headers=headers).status_code == 404
    assert _summary(_feed(api, headers, f"after=3&{EVERY_EVENT}")) == [(2, 4, "reopened", 1)]
    assert _feed(api, headers, "after=3") == []

    with session_scope(services.engine) as session:
        phone = {"member.phone": "5555550199"}
        review.save_values(session, 2, supervisor, phone, utcnow(), seed.HOLD)
    assert seed.validate(services, 2, supervisor) == 5

    # A consumer resuming from its cursor gets the correction, marked as one.
    [corrected] = _feed(api, headers, "after=3")
    assert _summary([corrected]) == [(2, 5, "corrected", 2)]
    assert corrected["status"] == "validated"
    assert corrected["approved"]["member"]["phone"] == "5555550199"
    assert first[1]["approved"]["member"]["phone"] != "5555550199"
    assert corrected["review"]["validated_by"] == "sam"
    # Read from the start, each referral comes once, at its latest version.
    assert _summary(_feed(api, headers)) == [
        (1, 1, "validated", 1),
        (3, 3, "validated", 1),
        (2, 5, "corrected", 2),
    ]
    # A consumer that wants first validations only leaves corrections out.
    assert _summary(_feed(api, headers, "events=validated")) == [
        (1, 1, "validated", 1),
        (3, 3, "validated", 1),
    ]
    one = api.get("/api/v1/referrals/2", headers=headers).json()
    assert (one["cursor"], one["event"], one["version"]) == (5, "corrected", 2)
    assert one["approved"]["member"]["phone"] == "5555550199"


def test_a_correction_is_pending_again_until_its_version_is_acknowledged(services, api):
    clerk = seed.clerk(services, "clara")
    supervisor = seed.clerk(services, "sam", Role.supervisor)
    for document_id in seed.add_documents(services, 2):
        seed.validate(services, document_id, clerk)
    headers = seed.bearer(seed.token(services, "crm"))

    acked = api.post("/api/v1/referrals/1/ack?version=1", headers=headers).json()
    assert (acked["version"], acked["already_acknowledged"]) == (1, False)
    assert [
        r["id"] for r in api.get("/api/v1/referrals/pending", headers=headers).json()["data"]
    ] == [2]

    seed.correct(services, 1, supervisor, {"member.phone": "5555550199"})
    pending = api.get("/api/v1/referrals/pending", headers=headers).json()["data"]
    assert [(r["id"], r["version"], r["event"]) for r in pending] == [
        (2, 1, "validated"),
        (1, 2, "corrected"),
    ]

    # The version read is the version acknowledged: acking the old one leaves the new pending.
    stale = api.post("/api/v1/referrals/1/ack?version=1", headers=headers).json()
    assert stale["already_acknowledged"] is True
    assert stale["acknowledged_at"] == acked["acknowledged_at"]
    assert 1 in [
        r["id"] for r in api.get("/api/v1/referrals/pending", headers=headers).json()["data"]
    ]
    current = api.post("/api/v1/referrals/1/ack?version=2", headers=headers).json()
    assert (current["version"], current["already_acknowledged"]) == (2, False)
    assert current["acknowledged_at"] != acked["acknowledged_at"]
    assert [
        r["id"] for r in api.get("/api/v1/referrals/pending", headers=headers).json()["data"]
    ] == [2]
    again = api.post("/api/v1/referrals/1/ack", headers=headers).json()
    assert (again["version"], again["already_acknowledged"]) == (2, True)
    # No version 3 yet.
    missing = api.post("/api/v1/referrals/1/ack?version=3", headers=headers)
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


def test_rejections_and_clarification_requests_are_status_events_on_request(services, api):
    rejected, asked, kept, withdrawn = seed.every_decision(services)
    headers = seed.bearer(seed.token(services, "crm"))

    # A consumer that names no events (one written before status events) sees referrals only.
    assert _summary(_feed(api, headers)) == [(kept, 3, "validated", 1)]
    everything = _feed(api, headers, EVERY_EVENT)
    assert _summary(everything) == [
        (rejected, 1, "rejected", 0),
        (asked, 2, "clarification_requested", 0),
        (kept, 3, "validated", 1),
        # The withdrawn referral's validation (4) is gone: it is rejected now.
        (withdrawn, 5, "reopened", 1),
        (withdrawn, 6, "rejected", 1),
    ]
    status_event = everything[0]
    # What became of it, and when: never the referral's values, nor the clerk's reason.
    assert set(status_event) == {"id", "cursor", "event", "version", "at"}
    assert _summary(_feed(api, headers, "events=rejected")) == [
        (rejected, 1, "rejected", 0),
        (withdrawn, 6, "rejected", 1),
    ]
    bad = api.get("/api/v1/referrals?events=deleted", headers=headers)
    assert (bad.status_code, bad.json()["invalid-params"][0]["name"]) == (422, "query.events.0")

    with session_scope(services.engine) as session:
        reads = session.exec(
            select(AuditEvent.detail)
            .where(col(AuditEvent.action) == "api_read")
            .order_by(col(AuditEvent.id))
        ).all()
    assert list(reads[1:6]) == [
        f"list rejected of referral {rejected}",
        f"list clarification_requested of referral {asked}",
        f"list referral {kept}",
        f"list reopened of referral {withdrawn}",
        f"list rejected of referral {withdrawn}",
    ]


def test_only_a_supervisor_reopens_and_only_a_validated_referral(services):
    clerk = seed.clerk(services, "clara")
    supervisor = seed.clerk(services, "sam", Role.supervisor)
    validated, waiting = seed.add_documents(services, 2)
    seed.validate(services, validated, clerk)
    with pytest.raises(review.SupervisorOnly):
        seed.reopen(services, validated, clerk)
    with pytest.raises(review.NotAllowed):
        seed.reopen(services, waiting, supervisor)
    seed.reopen(services, validated, supervisor)
    with pytest.raises(review.NotAllowed):
        seed.reopen(services, validated, supervisor)
