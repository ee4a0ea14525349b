"""The supervisor dashboard's figures, from documents read by the real pipeline."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col

from intake.clock import utcnow
from intake.db.engine import session_scope
from intake.db.models import Document, ReferralRecord
from review_ui.views.dashboard import dashboard
from tests.review_ui.conftest import CORPUS, UNSIGNED_ORDER, process


def test_figures_by_referral_type(services, clerk, supervisor):
    dme, unsigned, home_health = process(
        services, CORPUS / "order-0000.pdf", UNSIGNED_ORDER, CORPUS / "order-0012.pdf"
    )
    now = utcnow()
    ago = timedelta(minutes=2)
    # Received two minutes ago and validated now: two minutes from receipt to validated.
    with session_scope(services.engine) as session:
        for document_id in (dme, unsigned, home_health):
            session.execute(
                update(Document)
                .where(col(Document.id) == document_id)
                .values(received_at=now - ago)
            )
        # The home-health order's 24 hours ran out without a decision.
        session.execute(
            update(ReferralRecord)
            .where(col(ReferralRecord.document_id) == home_health)
            .values(due_by=now - timedelta(minutes=1))
        )
    clerk.client.get(f"/documents/{dme}")
    assert clerk.post(f"/documents/{dme}/approve").status_code == 303
    clerk.client.get(f"/documents/{unsigned}")
    assert clerk.post(f"/documents/{unsigned}/clarify", {"_reason": "unsigned"}).status_code == 303

    with session_scope(services.engine) as session:
        figures = dashboard(session, utcnow(), services.settings.zone)
    rows = {row.referral_type: row for row in figures.rows}
    zone = services.settings.zone
    received_today = (now - ago).astimezone(zone).date() == now.astimezone(zone).date()
    assert (rows["dme"].today, rows["dme"].week) == (2 if received_today else 0, 2)
    assert rows["dme"].missing_share == 0.5  # the unsigned order, as it was read
    assert rows["dme"].acknowledged_share == 1.0
    median = rows["dme"].median_to_validated
    assert median is not None and ago <= median < ago + timedelta(minutes=1)
    assert (rows["home_health"].week, rows["home_health"].acknowledged_share) == (1, 0.0)
    assert rows["home_health"].median_to_validated is None
    assert rows["infusion"].week == 0 and rows["infusion"].missing_share is None
    assert figures.total.week == 3
    assert sum(bar.count for bar in figures.bars) == 3

    page = supervisor.client.get("/dashboard")
    assert page.status_code == 200
    assert len(re.findall(r"<rect ", page.text)) == 2  # one day, two types
    assert "50%" in page.text and "0h 02m" in page.text


def test_clerks_cannot_use_supervisor_pages(clerk):
    assert clerk.client.get("/dashboard").status_code == 403
    assert 'href="/dashboard"' not in clerk.client.get("/queue").text
