"""What a clerk typed on the review page and has not saved, kept server-side as they type.

A draft is the form as text, one per clerk and document. It is kept whatever the lock says
(a clerk whose lock was taken over still has what they typed), shown again when they open
the document, and ended by their own save or decision. Each field that changes in it is an
audit row ("draft"), as any change to PHI is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlmodel import Session, col, delete, select

from intake.audit_trail import Actor, append
from intake.db.review import ReviewDraft
from intake.referral_edit import MAX_ROWS, spec_for

#: The draft's key for the reason the clerk typed (not a referral value).
REASON = "_reason"
#: A field's text, and the reason's, at most: longer text is no form a clerk typed.
_MAX_TEXT = 1000
#: Fields a draft may hold: every field of a form with its list rows, and the reason.
_MAX_FIELDS = 60 + 10 * MAX_ROWS


def keep_draft(
    session: Session, document_id: int, actor: Actor, typed: Mapping[str, str], now: datetime
) -> list[str]:
    """Keep what the clerk (``actor``, a user) typed as their draft of the document; the
    fields that changed. Only the form's fields and the reason are kept."""
    assert actor.user_id is not None
    kept = {
        path: text[:_MAX_TEXT]
        for path, text in list(typed.items())[:_MAX_FIELDS]
        if path == REASON or spec_for(path) is not None
    }
    draft = draft_of(session, document_id, actor.user_id)
    before = draft.values if draft is not None else {}
    changed = [path for path in kept if kept[path] != before.get(path, "")]
    if draft is None:
        draft = ReviewDraft(document_id=document_id, user_id=actor.user_id, values=kept)
    draft.values = kept
    draft.updated_at = now
    session.add(draft)
    for path in changed:
        old, new = before.get(path), kept[path]
        append(session, "draft", actor, document_id=document_id, field=path, old=old, new=new)
    return changed


def draft_of(session: Session, document_id: int, user_id: int) -> ReviewDraft | None:
    return session.exec(
        select(ReviewDraft).where(
            col(ReviewDraft.document_id) == document_id, col(ReviewDraft.user_id) == user_id
        )
    ).first()


def end_draft(session: Session, document_id: int, user_id: int | None = None) -> None:
    """End the clerk's draft of the document (its values were saved or decided, or they
    discarded it), or every clerk's (``user_id`` None: the document is read anew)."""
    statement = delete(ReviewDraft).where(col(ReviewDraft.document_id) == document_id)
    if user_id is not None:
        statement = statement.where(col(ReviewDraft.user_id) == user_id)
    session.execute(statement)
