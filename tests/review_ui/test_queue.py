"""The queue page: order, countdown, filters, search by POST, polling."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col

from intake.clock import utcnow
from intake.db.engine import session_scope
from intake.db.models import ReferralRecord
from tests.review_ui.conftest import CORPUS, process

#: Three text-layer orders (no OCR needed): DME, oxygen CMN (DME), home health.
ORDERS = [CORPUS / "order-0000.pdf", CORPUS / "order-0006.pdf", CORPUS / "order-0012.pdf"]


@pytest.fixture
def documents(services) -> list[int]:
    return process(services, *ORDERS)


def _set(services, document_id: int, **values) -> None:
    with session_scope(services.engine) as session:
        session.execute(
            update(ReferralRecord)
            .where(col(ReferralRecord.document_id) == document_id)
            .values(**values)
        )


def _listed(html: str) -> list[int]:
    return [int(m) for m in re.findall(r'<a href="/documents/([0-9]+)">', html)]


def test_overdue_first_then_urgent_then_least_time_left(services, clerk, documents):
    plain, urgent, soonest = documents
    now = utcnow()
    _set(services, plain, due_by=now + timedelta(hours=20))
    _set(services, urgent, urgent=True, due_by=now + timedelta(hours=23))
    _set(services, soonest, due_by=now - timedelta(minutes=90))
    page = clerk.client.get("/queue").text
    # An overdue routine order sorts above an urgent one with hours left.
    assert _listed(page) == [soonest, urgent, plain]
    assert "overdue 1h 30m" in page or "overdue 1h 29m" in page
    assert re.search(r'class="countdown overdue" data-due="[^"]+">overdue', page)
    assert "URGENT" in page


def test_columns_show_member_clinician_and_counts(clerk, documents):
    page = clerk.client.get("/queue").text
    assert "Kim, Mohammed" in page and "03/01/1942" in page and "Jones, Julia" in page
    assert "3 document(s)" in page


def test_search_by_name_dob_or_member_id_is_posted(clerk, documents):
    def search(term: str) -> list[int]:
        response = clerk.post("/queue", {"search": term}, headers={"hx-request": "true"})
        assert response.status_code == 200
        assert "<table" in response.text and "<html" not in response.text  # the rows only
        return _listed(response.text)

    kim = documents[0]
    assert search("kim") == [kim]
    assert search("Mohammed Kim") == [kim]
    assert search("03/01/1942") == [kim]
    assert search("1942-03-01") == [kim]
    assert search("h7625") == [kim]
    assert search("nobody-like-this") == []


def test_filters_by_type_urgent_flagged_and_status(services, clerk, documents):
    dme, cmn, home_health = documents
    _set(services, cmn, urgent=True)
    _set(services, home_health, flag_count=0)
    _set(services, dme, flag_count=2)

    def listed(**filters: str) -> list[int]:
        return sorted(_listed(clerk.post("/queue", filters).text))

    assert listed(referral_type="home_health") == [home_health]
    assert listed(referral_type="dme") == sorted([dme, cmn])
    assert listed(urgent="yes") == [cmn]
    assert dme in listed(flagged="yes") and home_health not in listed(flagged="yes")
    clerk.client.get(f"/documents/{dme}")
    assert clerk.post(f"/documents/{dme}/approve").status_code == 303
    assert listed(status="validated") == [dme]
    assert dme not in listed()
    assert listed(status="all") == sorted(documents)
    assert listed(status="no-such-status") == sorted([cmn, home_health])  # falls back


def test_the_table_refreshes_itself_with_new_faxes(services, clerk):
    page = clerk.client.get("/queue").text
    assert 'hx-post="/queue/rows"' in page and 'hx-trigger="every 10s"' in page
    assert _listed(page) == []
    [arrived] = process(services, ORDERS[0])
    rows = clerk.client.post("/queue/rows", headers={"x-csrf-token": clerk.csrf})
    assert _listed(rows.text) == [arrived]


def test_urgency_ranks_among_orders_still_in_time_and_the_most_overdue_leads(
    services, clerk, documents
):
    routine_late, urgent_late, urgent_in_time = documents
    now = utcnow()
    _set(services, routine_late, due_by=now - timedelta(hours=3))
    _set(services, urgent_late, urgent=True, due_by=now - timedelta(hours=1))
    _set(services, urgent_in_time, urgent=True, due_by=now + timedelta(hours=2))
    assert _listed(clerk.client.get("/queue").text) == [routine_late, urgent_late, urgent_in_time]
