"""The review page's actions on documents read by the real pipeline, with their audit trail."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from intake import review
from intake.audit_trail import Actor
from intake.clarification import Desk
from intake.clock import utcnow
from intake.db.accounts import Role, User
from intake.db.audit import AuditEvent
from intake.db.engine import session_scope
from intake.db.feed import FeedEvent, FeedEventKind
from intake.db.models import Document, ReferralRecord, Status
from intake.db.review import ReferralVersion, ReviewDraft
from tests.review_ui.conftest import TEXT_ORDER, UNSIGNED_ORDER, process, reading


def _referral(services, document_id: int) -> tuple[Document, ReferralRecord]:
    document, referral = reading(services, document_id)
    assert referral is not None
    return document, referral


def _events(services, document_id: int) -> list[AuditEvent]:
    with session_scope(services.engine) as session:
        return list(
            session.exec(
                select(AuditEvent)
                .where(col(AuditEvent.document_id) == document_id)
                .order_by(col(AuditEvent.id))
            ).all()
        )


def test_audit_trail_records_a_view_an_edit_and_an_approval(services, clerk, supervisor):
    [document_id] = process(services, TEXT_ORDER)
    page = clerk.client.get(f"/documents/{document_id}")
    assert page.status_code == 200
    assert 'value="Kim"' in page.text and "Audit trail" not in page.text  # supervisors only
    saved = clerk.post(f"/documents/{document_id}/save", {"member.phone": "(508) 555-0142"})
    assert saved.status_code == 303
    approved = clerk.post(f"/documents/{document_id}/approve")
    assert approved.status_code == 303
    assert approved.headers["location"] == f"/documents/{document_id}/next"

    events = [(e.action, e.field, e.old_value, e.new_value) for e in _events(services, document_id)]
    assert events == [
        ("view", None, None, None),
        ("status", "status", "needs_review", "in_review"),
        ("edit", "member.phone", "3156803592", "5085550142"),
        ("status", "status", "in_review", "validated"),
    ]
    assert {e.actor for e in _events(services, document_id)} == {clerk.account.username}
    assert {e.client_addr for e in _events(services, document_id)} == {"testclient"}

    trail = supervisor.client.get(f"/documents/{document_id}").text
    assert "Audit trail" in trail and "member.phone" in trail and "5085550142" in trail


def test_corrections_are_versions_beside_the_extractors_output(services, clerk):
    [document_id] = process(services, TEXT_ORDER)
    clerk.client.get(f"/documents/{document_id}")
    clerk.post(f"/documents/{document_id}/save", {"member.last_name": "Kimball"})
    clerk.post(f"/documents/{document_id}/save", {"member.dob": "3/2/1942"})
    _, referral = _referral(services, document_id)
    assert referral.extracted["member"]["last_name"] == "Kim"
    assert referral.extracted["member"]["dob"] == "1942-03-01"
    assert referral.approved is not None
    assert referral.approved["member"]["last_name"] == "Kimball"
    assert referral.approved["member"]["dob"] == "1942-03-02"
    assert (referral.member_name, referral.member_dob) == ("Kimball, Mohammed", "1942-03-02")
    with session_scope(services.engine) as session:
        versions = session.exec(select(ReferralVersion).order_by(col(ReferralVersion.number))).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].values["member"]["last_name"] == "Kimball"
    assert versions[0].values["member"]["dob"] == "1942-03-01"
    page = clerk.client.get(f"/documents/{document_id}").text
    assert "read as: Kim<" in page and "read as: 03/01/1942" in page


def test_approval_validates_numbers_and_leaves_the_queue(services, clerk):
    first, second = process(services, TEXT_ORDER, UNSIGNED_ORDER.parent / "order-0006.pdf")
    clerk.client.get(f"/documents/{first}")
    assert clerk.post(f"/documents/{first}/approve").status_code == 303
    document, referral = _referral(services, first)
    assert document.status == Status.validated
    assert referral.validated_seq == 1 and referral.validated_at is not None
    assert referral.decided_by_id is not None and referral.review_user_id is None
    assert referral.approved == referral.extracted
    rows = clerk.client.get("/queue").text
    assert f'href="/documents/{second}"' in rows and f'href="/documents/{first}"' not in rows
    again = clerk.post(f"/documents/{first}/approve")
    assert again.status_code == 409 and "not open for review" in again.text


def test_an_invalid_value_saves_nothing_and_is_marked(services, clerk):
    [document_id] = process(services, TEXT_ORDER)
    response = clerk.post(
        f"/documents/{document_id}/save",
        {"member.dob": "13/45/1942", "member.last_name": "Kimball"},
    )
    assert response.status_code == 422
    assert "NOT VALID" in response.text and 'value="13/45/1942"' in response.text
    assert 'value="Kimball"' in response.text  # what the clerk typed is kept on the page
    _, referral = _referral(services, document_id)
    assert referral.approved is None
    assert [e.action for e in _events(services, document_id) if e.action == "edit"] == []


def test_approval_with_missing_fields_needs_a_supervisor_and_a_reason(services, clerk, supervisor):
    [document_id] = process(services, UNSIGNED_ORDER)
    _, referral = _referral(services, document_id)
    assert referral.extracted["missing"] == ["signature"]
    page = clerk.client.get(f"/documents/{document_id}").text
    assert "1 required field missing" in page and "MISSING" in page

    refused = clerk.post(f"/documents/{document_id}/approve")
    assert refused.status_code == 409 and "required fields are missing" in refused.text
    overriding = clerk.post(
        f"/documents/{document_id}/approve", {"_override": "yes", "_reason": "called the office"}
    )
    assert overriding.status_code == 403
    assert _referral(services, document_id)[0].status == Status.in_review

    supervisor.post(f"/documents/{document_id}/take-over")
    no_reason = supervisor.post(f"/documents/{document_id}/approve", {"_override": "yes"})
    assert no_reason.status_code == 409 and "a reason is required" in no_reason.text
    reason = "Signed order on file from the same office, faxed 11/20"
    _approved_over(services, supervisor, document_id, reason)
    assert _events(services, document_id)[-1].detail == reason


def test_clarification_needs_a_reason_and_lists_exactly_what_is_missing(services, clerk):
    [document_id] = process(services, UNSIGNED_ORDER)
    clerk.client.get(f"/documents/{document_id}")
    assert clerk.post(f"/documents/{document_id}/clarify").status_code == 409
    sent = clerk.post(f"/documents/{document_id}/clarify", {"_reason": "Order is not signed"})
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/documents/{document_id}#fax-back"
    document, _ = _referral(services, document_id)
    assert document.status == Status.needs_clarification
    page = clerk.client.get(sent.headers["location"]).text
    fax = re.search(r'<section id="fax-back">.*?<pre>(.*?)</pre>', page, re.S)
    assert fax is not None
    text = fax.group(1)
    listed = re.search(r"until we receive the following:\n(.*?)\n\n", text, re.S)
    assert listed is not None
    assert listed.group(1).splitlines() == [
        "  - Ordering practitioner&#39;s signature and the date signed"
    ]
    assert "Note from our intake desk: Order is not signed" in text
    assert f"our reference #{document_id}" in text


def test_reject_needs_a_reason(services, clerk):
    [document_id] = process(services, TEXT_ORDER)
    clerk.client.get(f"/documents/{document_id}")
    assert clerk.post(f"/documents/{document_id}/reject", {"_reason": "  "}).status_code == 409
    rejected = clerk.post(f"/documents/{document_id}/reject", {"_reason": "Not our patient"})
    assert rejected.status_code == 303
    document, referral = _referral(services, document_id)
    assert document.status == Status.rejected and referral.decision_reason == "Not our patient"


def test_a_supervisor_reopens_a_validated_referral_and_validates_its_correction(
    services, clerk, supervisor
):
    [document_id] = process(services, TEXT_ORDER)
    clerk.client.get(f"/documents/{document_id}")
    assert clerk.post(f"/documents/{document_id}/approve").status_code == 303
    assert 'id="reopen"' not in clerk.client.get(f"/documents/{document_id}").text
    refused = clerk.post(f"/documents/{document_id}/reopen", {"_reason": "phone misread"})
    assert refused.status_code == 403
    assert 'id="reopen"' in supervisor.client.get(f"/documents/{document_id}").text
    assert supervisor.post(f"/documents/{document_id}/reopen", {"_reason": " "}).status_code == 409
    reopened = supervisor.post(f"/documents/{document_id}/reopen", {"_reason": "phone misread"})
    assert reopened.status_code == 303
    document, referral = _referral(services, document_id)
    assert document.status == Status.in_review and referral.validated_seq == 1
    corrected = supervisor.post(
        f"/documents/{document_id}/approve", {"member.phone": "(508) 555-0142"}
    )
    assert corrected.status_code == 303
    document, referral = _referral(services, document_id)
    # The first validation keeps its number and time; the correction is the feed's third event.
    assert document.status == Status.validated and referral.validated_seq == 1
    with session_scope(services.engine) as session:
        events = session.exec(select(FeedEvent).order_by(col(FeedEvent.seq))).all()
        assert [(e.seq, e.event, e.version) for e in events] == [
            (1, FeedEventKind.validated, 1),
            (2, FeedEventKind.reopened, 1),
            (3, FeedEventKind.corrected, 2),
        ]
    trail = [(e.action, e.new_value, e.detail) for e in _events(services, document_id)]
    assert ("status", "in_review", "reopened: phone misread") in trail


def _take_lock(session, document_id: int):
    """The review page's request at the clerk's first edit."""
    return session.client.post(
        f"/documents/{document_id}/lock", headers={"x-csrf-token": session.csrf}
    )


def test_two_clerks_never_work_one_document_unknowingly(services, clerk, clerk2):
    [document_id] = process(services, TEXT_ORDER)
    clerk.client.get(f"/documents/{document_id}")
    assert _take_lock(clerk, document_id).text.strip() == ""
    seen = clerk2.client.get(f"/documents/{document_id}").text
    assert f"In review by {clerk.account.username}" in seen
    assert "<fieldset disabled>" in seen
    queue = clerk2.client.get("/queue").text
    assert f"in review by {clerk.account.username}" in queue

    blocked = clerk2.post(f"/documents/{document_id}/save", {"member.last_name": "Other"})
    assert blocked.status_code == 409 and f"in review by {clerk.account.username}" in blocked.text

    assert clerk2.post(f"/documents/{document_id}/take-over").status_code == 303
    lost = clerk.post(f"/documents/{document_id}/save", {"member.last_name": "Mine"})
    assert lost.status_code == 409 and f"in review by {clerk2.account.username}" in lost.text
    kept = clerk.client.post(
        f"/documents/{document_id}/lock/renew", headers={"x-csrf-token": clerk.csrf}
    )
    assert f"{clerk2.account.username} has taken over" in kept.text
    taken = [e for e in _events(services, document_id) if e.action == "lock_taken"]
    assert [(e.actor, e.detail) for e in taken] == [
        (clerk2.account.username, f"from {clerk.account.username}")
    ]


def test_an_expired_lock_is_free_for_the_next_clerk(services, clerk, clerk2):
    [document_id] = process(services, TEXT_ORDER)
    _take_lock(clerk, document_id)
    with session_scope(services.engine) as session:
        session.execute(
            update(ReferralRecord)
            .where(col(ReferralRecord.document_id) == document_id)
            .values(review_expires_at=utcnow() - timedelta(seconds=1))
        )
    page = clerk2.client.get(f"/documents/{document_id}").text
    assert "In review by" not in page and "<fieldset >" in page
    assert clerk2.post(f"/documents/{document_id}/save", {"payer.name": "Aetna"}).status_code == 303


def test_reprocess_reads_the_original_again(services, clerk):
    [document_id] = process(services, TEXT_ORDER)
    clerk.client.get(f"/documents/{document_id}")
    clerk.post(f"/documents/{document_id}/save", {"member.last_name": "Kimball"})
    clerk.post(f"/documents/{document_id}/draft", {"member.last_name": "Kimberly"})
    # Asked first: what reading it again discards, and nothing done yet.
    asked = clerk.post(f"/documents/{document_id}/reprocess")
    assert asked.status_code == 200
    assert "Read the original again?" in asked.text
    assert "1 saved correction will no longer apply" in asked.text
    assert "1 unsaved draft will be discarded" in asked.text
    assert _referral(services, document_id)[0].status == Status.in_review
    confirmed = clerk.post(f"/documents/{document_id}/reprocess", {"_confirm": "yes"})
    assert confirmed.status_code == 303
    with session_scope(services.engine) as session:
        assert session.exec(select(ReviewDraft)).all() == []
    assert _referral(services, document_id)[0].status == Status.queued
    assert _events(services, document_id)[-1].detail == "reprocess"
    process(services)  # the worker reads it again
    document, referral = _referral(services, document_id)
    assert document.status == Status.needs_review
    assert referral.approved is None and referral.member_name == "Kim, Mohammed"


def test_original_download_is_audited_and_named_by_id(services, clerk):
    [document_id] = process(services, TEXT_ORDER)
    response = clerk.client.get(f"/documents/{document_id}/original")
    assert response.status_code == 200
    assert response.content == TEXT_ORDER.read_bytes()
    assert response.headers["content-type"] == "application/pdf"
    assert (
        response.headers["content-disposition"]
        == f'attachment; filename="document-{document_id}.pdf"'
    )
    assert [e.action for e in _events(services, document_id)] == ["download"]


def test_page_images_are_the_stored_pngs(services, clerk):
    [document_id] = process(services, TEXT_ORDER)
    image = clerk.client.get(f"/documents/{document_id}/pages/1")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert clerk.client.get(f"/documents/{document_id}/pages/9").status_code == 404
    assert clerk.client.get("/documents/999/original").status_code == 404


def test_review_page_draws_the_evidence_boxes_and_the_words(services, clerk):
    [document_id] = process(services, TEXT_ORDER)
    page = clerk.client.get(f"/documents/{document_id}").text
    dob_box = re.search(r'class="box" data-evidence="member.dob" data-bbox="([0-9. ]+)"', page)
    assert dob_box is not None
    x0, y0, x1, y1 = map(float, dob_box.group(1).split())
    assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1
    assert 'name="member.dob" value="03/01/1942" data-evidence="member.dob"' in page
    assert 'data-text="Kim"' in page or 'data-text="Kim,"' in page


def test_next_document_skips_the_one_left_and_those_others_hold(services, clerk, clerk2):
    first, second, third = process(
        services,
        TEXT_ORDER,
        UNSIGNED_ORDER.parent / "order-0006.pdf",
        UNSIGNED_ORDER.parent / "order-0012.pdf",
    )
    order = [
        int(m) for m in re.findall(r'href="/documents/([0-9]+)"', clerk.client.get("/queue").text)
    ]
    assert sorted(order) == [first, second, third]
    _take_lock(clerk2, order[1])  # another clerk holds the second
    response = clerk.client.get(f"/documents/{order[0]}/next")
    assert response.headers["location"] == f"/documents/{order[2]}"


def test_code_fields_are_checked_as_the_clerk_types(clerk):
    def check(kind, value):
        response = clerk.client.post(
            f"/lookup/{kind}",
            data={"diagnoses.0.code": value},
            headers={"x-csrf-token": clerk.csrf, "hx-trigger-name": "diagnoses.0.code"},
        )
        assert response.status_code == 200
        return response.text

    assert "✓ Chronic obstructive pulmonary disease with (acute) exacerbation" in check(
        "icd10", "j44.1"
    )
    assert "a category, not billable" in check("icd10", "J44")
    assert "✗ not an ICD-10-CM code" in check("icd10", "J44.9X9")
    assert "✓" in check("hcpcs", "E1390") and "oxygen" in check("hcpcs", "E1390").lower()
    assert "✗ not in the HCPCS Level II table" in check("hcpcs", "E9999")
    assert "✓ check digit OK" in check("npi", "1234567893")
    assert "✗ not a valid NPI" in check("npi", "1234567890")
    assert "CPT (format checked only)" in check("procedure", "99601")
    assert check("icd10", "").strip() == ""
    assert (
        clerk.client.post("/lookup/cpt-table", headers={"x-csrf-token": clerk.csrf}).status_code
        == 404
    )


def test_a_value_failing_a_check_stops_approval_until_confirmed_against_the_page(services, clerk):
    [document_id] = process(services, TEXT_ORDER)
    clerk.client.get(f"/documents/{document_id}")
    # The clerk types an NPI whose check digit fails (as some printed NPIs do).
    saved = clerk.post(f"/documents/{document_id}/save", {"clinician.npi": "1234567890"})
    assert saved.status_code == 303
    page = clerk.client.get(f"/documents/{document_id}").text
    assert "INVALID" in page and 'name="_checked" value="clinician.npi"' in page

    refused = clerk.post(f"/documents/{document_id}/approve")
    assert (
        refused.status_code == 409 and "values marked INVALID or CHECK fail a rule" in refused.text
    )
    assert _referral(services, document_id)[0].status == Status.in_review
    # Another field's confirmation does not cover it; the clerk's ticks stay on the page.
    wrong_tick = clerk.post(f"/documents/{document_id}/approve", {"_checked": "member.dob"})
    assert wrong_tick.status_code == 409

    confirmed = clerk.post(f"/documents/{document_id}/approve", {"_checked": "clinician.npi"})
    assert confirmed.status_code == 303
    document, referral = _referral(services, document_id)
    assert document.status == Status.validated and referral.approved is not None
    assert referral.approved["clinician"]["npi"] == "1234567890"
    [confirmation] = [e for e in _events(services, document_id) if e.action == "confirm"]
    assert confirmation.field == "clinician.npi"
    assert confirmation.detail == "checked against the page: the value is as printed"
    assert confirmation.actor == clerk.account.username


def test_a_refused_approval_keeps_the_clerks_confirmations_ticked(services, clerk):
    [document_id] = process(services, TEXT_ORDER)
    clerk.client.get(f"/documents/{document_id}")
    clerk.post(f"/documents/{document_id}/save", {"clinician.npi": "1234567890"})
    # A second failing value, unconfirmed: refused, and the first tick is not lost.
    refused = clerk.post(
        f"/documents/{document_id}/approve",
        {"_checked": "clinician.npi", "diagnoses.0.code": "E11.9X"},
    )
    assert refused.status_code in (409, 422)
    assert 'value="clinician.npi" checked' in refused.text


def test_a_supervisor_overrides_a_failing_value_with_a_reason(services, clerk, supervisor):
    [document_id] = process(services, TEXT_ORDER)
    clerk.client.get(f"/documents/{document_id}")
    clerk.post(f"/documents/{document_id}/save", {"clinician.npi": "1234567890"})
    overriding = clerk.post(
        f"/documents/{document_id}/approve", {"_override": "yes", "_reason": "office said so"}
    )
    assert overriding.status_code == 403 and "fail a check unconfirmed" in overriding.text

    supervisor.post(f"/documents/{document_id}/take-over")
    assert (
        "values failing a check unconfirmed"
        in supervisor.client.get(f"/documents/{document_id}").text
    )
    _approved_over(services, supervisor, document_id, "NPI confirmed by phone with the practice")


def _approved_over(services, supervisor, document_id: int, reason: str) -> None:
    """A supervisor's override: approved, validated, with the reason kept."""
    done = supervisor.post(
        f"/documents/{document_id}/approve", {"_override": "yes", "_reason": reason}
    )
    assert done.status_code == 303
    document, referral = _referral(services, document_id)
    assert document.status == Status.validated and referral.decision_reason == reason


def test_viewing_takes_no_lock_and_leaving_gives_it_up(services, clerk, clerk2, supervisor):
    [document_id] = process(services, TEXT_ORDER)
    # A supervisor reading the audit trail and a clerk looking leave the document free.
    assert "Audit trail" in supervisor.client.get(f"/documents/{document_id}").text
    clerk.client.get(f"/documents/{document_id}")
    seen = clerk2.client.get(f"/documents/{document_id}").text
    assert "In review by" not in seen and "<fieldset >" in seen
    document, referral = _referral(services, document_id)
    assert document.status == Status.needs_review and referral.review_user_id is None

    # The first edit takes it; another clerk's first edit is then told who holds it.
    assert _take_lock(clerk, document_id).text.strip() == ""
    assert _referral(services, document_id)[0].status == Status.in_review
    told = _take_lock(clerk2, document_id).text
    assert f"{clerk.account.username} is working on this document" in told
    # Only the holder's leaving gives it up.
    release = f"/documents/{document_id}/release"
    assert clerk2.post(release).status_code == 204
    assert _referral(services, document_id)[1].review_user_id is not None
    assert clerk.post(release).status_code == 204
    assert _referral(services, document_id)[1].review_user_id is None
    assert clerk2.post(f"/documents/{document_id}/save", {"payer.name": "Aetna"}).status_code == 303
    views = [e.actor for e in _events(services, document_id) if e.action == "view"]
    assert views == [
        supervisor.account.username,
        clerk.account.username,
        clerk2.account.username,
    ]


def test_a_clarification_leaves_the_letter_in_the_fax_servers_folder(services, clerk, tmp_path):
    [document_id] = process(services, UNSIGNED_ORDER)
    reviewer = _reviewer(services, clerk.account.username)
    desk = Desk("Northside Care Coordination", fax="5125550188")
    outbox = tmp_path / "fax-out"
    with session_scope(services.engine) as session:
        review.request_clarification(
            session, document_id, reviewer, "signature missing", utcnow(), timedelta(minutes=5),
            desk, outbox,
        )  # fmt: skip
    pdf = outbox / f"fax-back-{document_id}.pdf"
    ticket = json.loads((outbox / f"fax-back-{document_id}.json").read_text())
    assert pdf.read_bytes().startswith(b"%PDF")
    assert ticket["document_id"] == document_id and ticket["file"] == pdf.name
    assert ticket["to_fax"] and ticket["to_fax"].isdigit()
    assert sorted(p.name for p in outbox.iterdir()) == sorted([pdf.name, f"{pdf.stem}.json"])
    assert "fax_back_queued" in [e.action for e in _events(services, document_id)]


def test_a_letter_that_cannot_be_left_refuses_the_clarification(services, clerk, tmp_path):
    [document_id] = process(services, UNSIGNED_ORDER)
    reviewer = _reviewer(services, clerk.account.username)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    refused = pytest.raises(review.NotAllowed, match="could not be left for the fax server")
    with refused, session_scope(services.engine) as session:
        review.request_clarification(
                session, document_id, reviewer, "signature missing", utcnow(),
                timedelta(minutes=5), Desk("Desk"), blocked,
            )  # fmt: skip
    assert _referral(services, document_id)[0].status == Status.needs_review


def _reviewer(services, username: str) -> review.Reviewer:
    with session_scope(services.engine) as session:
        user = session.exec(select(User).where(col(User.username) == username)).one()
        assert user.id is not None
        return review.Reviewer(Actor(user.username, user.id), Role(user.role))
