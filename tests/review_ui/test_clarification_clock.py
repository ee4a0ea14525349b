"""Waiting on the office pauses the 24-hour clock: the queue and the page say since when, and
the deadline moves later by the time waited once the desk takes the document up again."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col

from intake.clock import utcnow
from intake.db.engine import session_scope
from intake.db.models import Document, ReferralRecord, Status
from tests.review_ui.conftest import TEXT_ORDER, UNSIGNED_ORDER, process, reading

WAITED = timedelta(hours=30)


def _referral(services, document_id: int) -> tuple[Document, ReferralRecord]:
    document, referral = reading(services, document_id)
    assert referral is not None
    return document, referral


def _sent_back_long_ago(services, clerk, document_id: int) -> ReferralRecord:
    """Send the order back for clarification, then age the wait by WAITED."""
    clerk.client.get(f"/documents/{document_id}")
    sent = clerk.post(f"/documents/{document_id}/clarify", {"_reason": "Order is not signed"})
    assert sent.status_code == 303
    _, referral = _referral(services, document_id)
    assert referral.waiting_since is not None and referral.due_by is not None
    with session_scope(services.engine) as session:
        session.execute(
            update(ReferralRecord)
            .where(col(ReferralRecord.document_id) == document_id)
            .values(waiting_since=referral.waiting_since - WAITED)
        )
    return referral


def test_the_clock_pauses_and_the_page_says_since_when(services, clerk):
    [document_id] = process(services, UNSIGNED_ORDER)
    before = _sent_back_long_ago(services, clerk, document_id)
    page = clerk.client.get(f"/documents/{document_id}").text
    # 30 hours on, nothing is overdue: the clock stopped with the time that was left.
    assert "overdue" not in page
    paused = re.search(r'<span class="countdown paused">clock paused at (\d+)h \d\dm</span>', page)
    assert paused is not None and 23 <= int(paused.group(1)) <= 53
    assert "waiting on the office since" in page
    # Only opening the page does not take the document up again.
    _, after = _referral(services, document_id)
    assert after.waiting_since is not None and after.due_by == before.due_by


def test_taking_the_document_up_again_moves_the_deadline_by_the_wait(services, clerk):
    [document_id] = process(services, UNSIGNED_ORDER)
    before = _sent_back_long_ago(services, clerk, document_id)
    assert before.due_by is not None
    clerk.post(f"/documents/{document_id}/save", {"member.last_name": "Kimball"})
    document, after = _referral(services, document_id)
    assert document.status == Status.in_review
    assert after.waiting_since is None and after.due_by is not None
    moved = after.due_by - before.due_by
    assert WAITED <= moved < WAITED + timedelta(minutes=5)
    assert after.paused_seconds == int(moved.total_seconds())


def test_waiting_documents_sort_after_those_the_desk_owes(services, clerk):
    waiting, owed = process(services, UNSIGNED_ORDER, TEXT_ORDER)
    _sent_back_long_ago(services, clerk, waiting)
    with session_scope(services.engine) as session:
        session.execute(
            update(ReferralRecord)
            .where(col(ReferralRecord.document_id) == owed)
            .values(due_by=utcnow() + timedelta(hours=20))
        )
    rows = clerk.post("/queue", {"status": "all"}).text
    listed = [int(m) for m in re.findall(r'<a href="/documents/([0-9]+)">', rows)]
    assert listed == [owed, waiting]
    assert "waiting on the office since" in rows and "overdue" not in rows


def test_a_new_reading_keeps_every_pause_in_its_deadline(services, clerk):
    [document_id] = process(services, UNSIGNED_ORDER)
    before = _sent_back_long_ago(services, clerk, document_id)
    assert before.due_by is not None
    confirmed = clerk.post(f"/documents/{document_id}/reprocess", {"_confirm": "yes"})
    assert confirmed.status_code == 303
    process(services)  # the worker reads it again
    document, after = _referral(services, document_id)
    assert document.status == Status.needs_review
    assert after.waiting_since is None and after.due_by is not None
    assert WAITED <= after.due_by - before.due_by < WAITED + timedelta(minutes=5)
