"""Documents, clerks and tokens for the API tests. Referrals are validated through the real
review transition (intake.review.approve), as a clerk's click does."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from extractors.referral import Referral
from intake import review, tokens
from intake.audit_trail import CLI_ACTOR, Actor
from intake.clarification import Desk
from intake.clock import utcnow
from intake.db.accounts import Role
from intake.db.engine import session_scope
from intake.db.models import Document, ReferralRecord, Status
from intake.referral_columns import summary_columns
from intake.services import Services
from intake.users import create_user
from review_ui.api.examples import REFERRAL

HOLD = timedelta(minutes=10)


def referral_values(n: int) -> dict[str, Any]:
    """A complete referral (nothing missing), different for each n."""
    values = copy.deepcopy(REFERRAL.approved.model_dump(mode="json"))
    values["member"]["last_name"] = f"Patient{n}"
    values["member"]["member_id"] = f"XAB{n:09d}"
    return Referral.model_validate(values).model_dump(mode="json")


def add_document(
    services: Services,
    values: dict[str, Any],
    data: bytes,
    media_type: str = "application/pdf",
    status: Status = Status.needs_review,
) -> int:
    """A read document awaiting review, as the worker leaves it."""
    sha256 = services.store.put(data)
    with session_scope(services.engine) as session:
        document = Document(
            sha256=sha256,
            size_bytes=len(data),
            media_type=media_type,
            original_name="Smith, John 1948-02-29.pdf",
            status=status,
            page_count=1,
        )
        session.add(document)
        session.flush()
        assert document.id is not None
        session.add(
            ReferralRecord(document_id=document.id, extracted=values, **summary_columns(values))
        )
        return document.id


def add_documents(services: Services, count: int, start: int = 0) -> list[int]:
    return [
        add_document(services, referral_values(n), f"%PDF-1.4\n% fax {n}\n".encode())
        for n in range(start, start + count)
    ]


def add_validated(services: Services, count: int, start: int = 0) -> list[int]:
    """``count`` documents validated by one clerk of their own, as downstream consumers get."""
    reviewer = clerk(services, f"clerk{start}")
    documents = add_documents(services, count, start=start)
    for document_id in documents:
        validate(services, document_id, reviewer)
    return documents


def clerk(services: Services, name: str, role: Role = Role.clerk) -> review.Reviewer:
    with session_scope(services.engine) as session:
        user = create_user(session, name, "a long enough password", role, CLI_ACTOR)
        assert user.id is not None
        return review.Reviewer(actor=Actor(name=user.username, user_id=user.id), role=role)


def validate(
    services: Services,
    document_id: int,
    reviewer: review.Reviewer,
    override_reason: str | None = None,
) -> int:
    with session_scope(services.engine) as session:
        return review.approve(
            session, document_id, reviewer, utcnow(), HOLD, override_reason=override_reason
        )


def reopen(services: Services, document_id: int, supervisor: review.Reviewer) -> None:
    with session_scope(services.engine) as session:
        review.reopen(session, document_id, supervisor, "member phone misread", utcnow(), HOLD)


def correct(
    services: Services, document_id: int, supervisor: review.Reviewer, values: dict[str, str]
) -> int:
    """Reopen a validated referral, change ``values`` and validate it again: its next version."""
    reopen(services, document_id, supervisor)
    with session_scope(services.engine) as session:
        review.save_values(session, document_id, supervisor, values, utcnow(), HOLD)
    return validate(services, document_id, supervisor)


def reject(services: Services, document_id: int, reviewer: review.Reviewer) -> None:
    with session_scope(services.engine) as session:
        review.reject(session, document_id, reviewer, "not a home-care order", utcnow(), HOLD)


def clarify(services: Services, document_id: int, reviewer: review.Reviewer) -> None:
    desk = Desk(services.settings.desk_name, "5555550100", "5555550101")
    with session_scope(services.engine) as session:
        review.request_clarification(
            session, document_id, reviewer, "order date unreadable", utcnow(), HOLD, desk
        )


def every_decision(services: Services) -> tuple[int, int, int, int]:
    """Four documents, one per way a referral ends: rejected, sent back for clarification,
    validated, and validated then reopened and rejected by a supervisor (in that order)."""
    clerk_ = clerk(services, "clara")
    supervisor = clerk(services, "sam", Role.supervisor)
    rejected, asked, kept, withdrawn = add_documents(services, 4)
    reject(services, rejected, clerk_)
    clarify(services, asked, clerk_)
    validate(services, kept, clerk_)
    validate(services, withdrawn, clerk_)
    reopen(services, withdrawn, supervisor)
    reject(services, withdrawn, supervisor)
    return rejected, asked, kept, withdrawn


def token(services: Services, name: str, *scopes: str) -> str:
    return tokens.create(services.engine, name, scopes or [tokens.REFERRALS_READ], CLI_ACTOR)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
