"""What a clerk typed and did not save is kept server-side as a draft, restored when they come
back (after a timeout and a new login too), audited, and ended by their save or decision."""

from __future__ import annotations

from sqlmodel import col, select

from intake.db.audit import AuditEvent
from intake.db.engine import session_scope
from intake.db.review import ReviewDraft
from tests.review_ui.conftest import PASSWORD, TEXT_ORDER, process


def _drafts(services) -> list[ReviewDraft]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(ReviewDraft)).all())


def _draft_events(services, document_id: int) -> list[tuple[str | None, str | None, str | None]]:
    with session_scope(services.engine) as session:
        rows = session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.document_id) == document_id, col(AuditEvent.action) == "draft")
            .order_by(col(AuditEvent.id))
        ).all()
        return [(e.field, e.old_value, e.new_value) for e in rows]


def test_a_draft_is_kept_audited_and_restored_for_its_clerk_only(services, clerk, clerk2):
    [document_id] = process(services, TEXT_ORDER)
    typed = {"member.last_name": "Kimball", "_reason": "call the office", "referral_id": "7"}
    assert clerk.post(f"/documents/{document_id}/draft", typed).status_code == 204
    assert (
        clerk.post(f"/documents/{document_id}/draft", {**typed, "payer.name": "Aetna"}).status_code
        == 204
    )
    [draft] = _drafts(services)
    # Only the form's fields and the reason are kept; each change is an audit row.
    assert draft.values == {
        "member.last_name": "Kimball",
        "_reason": "call the office",
        "payer.name": "Aetna",
    }
    assert _draft_events(services, document_id) == [
        ("member.last_name", None, "Kimball"),
        ("_reason", None, "call the office"),
        ("payer.name", None, "Aetna"),
    ]

    page = clerk.client.get(f"/documents/{document_id}").text
    assert 'value="Kimball"' in page and "call the office</textarea>" in page
    assert "Restored what you typed" in page
    other = clerk2.client.get(f"/documents/{document_id}").text
    assert 'value="Kimball"' not in other and "Restored what you typed" not in other


def test_a_save_or_a_discard_ends_the_draft(services, clerk):
    [document_id] = process(services, TEXT_ORDER)
    clerk.post(f"/documents/{document_id}/draft", {"member.last_name": "Kimball"})
    assert (
        clerk.post(f"/documents/{document_id}/save", {"member.last_name": "Kimball"}).status_code
        == 303
    )
    assert _drafts(services) == []
    clerk.post(f"/documents/{document_id}/draft", {"member.last_name": "Kimberly"})
    assert clerk.post(f"/documents/{document_id}/draft/discard").status_code == 303
    assert _drafts(services) == []
    page = clerk.client.get(f"/documents/{document_id}").text
    assert 'value="Kimball"' in page and "Restored what you typed" not in page


def test_an_invalid_save_keeps_the_draft(services, clerk):
    [document_id] = process(services, TEXT_ORDER)
    clerk.post(f"/documents/{document_id}/draft", {"member.dob": "13/45/1942"})
    assert (
        clerk.post(f"/documents/{document_id}/save", {"member.dob": "13/45/1942"}).status_code
        == 422
    )
    [draft] = _drafts(services)
    assert draft.values["member.dob"] == "13/45/1942"


def test_after_a_new_login_the_clerk_is_back_on_the_document(services, anonymous, accounts):
    [document_id] = process(services, TEXT_ORDER)
    asked = anonymous.get(f"/documents/{document_id}")
    assert asked.status_code == 303
    assert asked.headers["location"] == f"/login?next=/documents/{document_id}"
    form = anonymous.get(asked.headers["location"]).text
    assert f'name="next" value="/documents/{document_id}"' in form
    token = anonymous.cookies["intake_login_csrf"]
    fields = {"username": accounts["clerk"].username, "_csrf": token}
    wrong = anonymous.post(
        "/login", data={**fields, "password": "wrong", "next": f"/documents/{document_id}"}
    )
    # A wrong password keeps the name typed and where the login leads.
    assert wrong.status_code == 401
    assert f'value="{accounts["clerk"].username}"' in wrong.text
    assert f'name="next" value="/documents/{document_id}"' in wrong.text
    token = anonymous.cookies["intake_login_csrf"]
    done = anonymous.post(
        "/login",
        data={**fields, "_csrf": token, "password": PASSWORD, "next": f"/documents/{document_id}"},
    )
    assert done.status_code == 303 and done.headers["location"] == f"/documents/{document_id}"


def test_a_login_never_leads_to_another_site(services, anonymous, accounts):
    for target in ("//evil.example/x", "https://evil.example", "/\\evil.example", "/login"):
        form = anonymous.get("/login", params={"next": target}).text
        assert 'name="next"' not in form
        token = anonymous.cookies["intake_login_csrf"]
        fields = {"username": accounts["clerk"].username, "password": PASSWORD, "_csrf": token}
        done = anonymous.post("/login", data={**fields, "next": target})
        assert done.status_code == 303 and done.headers["location"] == "/queue"
