"""The review page and its actions: save, approve, clarify, reject, reprocess, take over,
and reopen a validated referral to correct it.

Actions are plain form posts that answer with a redirect (or the page again, with the
problem, when refused); the page keeps its soft lock alive by polling in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from intake import review, review_drafts
from intake.audit_trail import append
from intake.clarification import Desk
from intake.clock import utcnow
from intake.db.accounts import User as UserRow
from intake.db.models import OPEN_STATUSES, REPROCESSABLE, Document, ReferralRecord, Status
from intake.fax_back_pdf import letter_pdf
from intake.referral_edit import InvalidValues
from intake.review import (
    Lock,
    LockedByOther,
    MissingRequired,
    NotFound,
    ReviewError,
    UncheckedValues,
)
from review_ui.auth import (
    BackgroundUser,
    Form,
    SessionDep,
    User,
    form_text,
    services_of,
    ui_router,
)
from review_ui.path_ids import DocumentId
from review_ui.sessions import Principal
from review_ui.templating import templates
from review_ui.views.queue import next_document
from review_ui.views.review import audit_trail, build_form, load_pages

router = ui_router(prefix="/documents")
polling = ui_router(prefix="/documents", background=True)

#: Form fields that steer the action rather than carry referral values.
_CONTROL_PREFIX = "_"
#: The form field, one per value, by which the clerk confirms a value that fails a rule
#: (named by its flag's field) as printed on the page.
_CHECKED = "_checked"

Action = Callable[[Session, datetime, timedelta], Any]


@router.get("/{document_id}")
def review_page(
    request: Request, document_id: DocumentId, principal: User, db: SessionDep
) -> Response:
    now = utcnow()
    try:
        opened = review.open_document(db, document_id, principal.reviewer, now)
    except NotFound:
        raise HTTPException(status_code=404, detail="no such document") from None
    draft = review_drafts.draft_of(db, document_id, principal.user_id)
    typed = dict(draft.values) if draft is not None and opened.referral else {}
    reason = typed.pop(review_drafts.REASON, "")
    context = _context(
        db,
        principal,
        opened.document,
        opened.referral,
        opened.lock,
        now,
        _zone(request),
        _desk(request),
        submitted=typed or None,
        reason=reason,
        draft_at=draft.updated_at if draft is not None and typed else None,
    )
    return templates.TemplateResponse(request, "review.html", context)


@router.post("/{document_id}/draft")
def keep_draft(document_id: DocumentId, principal: User, form: Form, db: SessionDep) -> Response:
    """Keep what the clerk has typed, as they type (the page sends it); a request the
    clerk's typing makes, so it keeps their session alive."""
    typed = {**_fields(form), review_drafts.REASON: form_text(form, "_reason")}
    try:
        review.load(db, document_id)
    except NotFound:
        raise HTTPException(status_code=404, detail="no such document") from None
    review_drafts.keep_draft(db, document_id, principal.actor, typed, utcnow())
    return Response(status_code=204)


@router.post("/{document_id}/draft/discard")
def discard_draft(document_id: DocumentId, principal: User, db: SessionDep) -> Response:
    review_drafts.end_draft(db, document_id, principal.user_id)
    append(db, "draft_discarded", principal.actor, document_id=document_id)
    return RedirectResponse(f"/documents/{document_id}", status_code=303)


@router.get("/{document_id}/next")
def next_page(document_id: DocumentId, principal: User, db: SessionDep) -> Response:
    following = next_document(db, document_id, principal.user_id, utcnow())
    target = f"/documents/{following}" if following is not None else "/queue"
    return RedirectResponse(target, status_code=303)


@router.post("/{document_id}/save")
def save(
    request: Request, document_id: DocumentId, principal: User, form: Form, db: SessionDep
) -> Response:
    actions = [_saving(document_id, form, principal)]
    return _perform(request, db, principal, document_id, form, actions, f"/documents/{document_id}")


@router.post("/{document_id}/approve")
def approve(
    request: Request, document_id: DocumentId, principal: User, form: Form, db: SessionDep
) -> Response:
    override = form_text(form, "_reason") if form_text(form, "_override") == "yes" else None

    def act(db: Session, now: datetime, hold: timedelta) -> None:
        review.approve(db, document_id, principal.reviewer, now, hold, override, _checked(form))

    actions = [_saving(document_id, form, principal), act]
    # On to the next document in the queue (or the queue when none is left).
    target = f"/documents/{document_id}/next"
    return _perform(request, db, principal, document_id, form, actions, target)


@router.post("/{document_id}/clarify")
def clarify(
    request: Request, document_id: DocumentId, principal: User, form: Form, db: SessionDep
) -> Response:
    settings = services_of(request).settings

    def act(db: Session, now: datetime, hold: timedelta) -> None:
        reason = form_text(form, "_reason")
        review.request_clarification(
            db, document_id, principal.reviewer, reason, now, hold, _desk(request),
            settings.fax_back_outbox,
        )  # fmt: skip

    actions = [_saving(document_id, form, principal), act]
    target = f"/documents/{document_id}#fax-back"
    return _perform(request, db, principal, document_id, form, actions, target)


@router.post("/{document_id}/reject")
def reject(
    request: Request, document_id: DocumentId, principal: User, form: Form, db: SessionDep
) -> Response:
    def act(db: Session, now: datetime, hold: timedelta) -> None:
        review.reject(db, document_id, principal.reviewer, form_text(form, "_reason"), now, hold)

    return _perform(request, db, principal, document_id, form, [act], "/queue")


@router.post("/{document_id}/reopen")
def reopen(
    request: Request, document_id: DocumentId, principal: User, form: Form, db: SessionDep
) -> Response:
    """A supervisor takes a validated referral back into review to correct it."""

    def act(db: Session, now: datetime, hold: timedelta) -> None:
        review.reopen(db, document_id, principal.reviewer, form_text(form, "_reason"), now, hold)

    target = f"/documents/{document_id}"
    return _perform(request, db, principal, document_id, form, [act], target)


@router.post("/{document_id}/take-over")
def take_over(
    request: Request, document_id: DocumentId, principal: User, form: Form, db: SessionDep
) -> Response:
    def act(db: Session, now: datetime, hold: timedelta) -> None:
        review.take_over(db, document_id, principal.reviewer, now, hold)

    target = f"/documents/{document_id}"
    return _perform(request, db, principal, document_id, form, [act], target)


@router.post("/{document_id}/reprocess")
def reprocess(
    request: Request, document_id: DocumentId, principal: User, form: Form, db: SessionDep
) -> Response:
    """Read the original again, once the clerk has confirmed what that discards: the first
    post shows what would be lost and asks; only one with ``_confirm=yes`` acts."""
    if form_text(form, "_confirm") != "yes":
        return _asking_to_reprocess(request, db, principal, document_id)
    try:
        # In transactions of its own: the queue owns the reset of a document's reading.
        review.reprocess(services_of(request).engine, document_id, principal.reviewer, utcnow())
    except ReviewError as problem:
        return _again(request, db, principal, document_id, form, problem)
    return RedirectResponse("/queue", status_code=303)


def _asking_to_reprocess(
    request: Request, db: Session, principal: Principal, document_id: int
) -> Response:
    now = utcnow()
    try:
        document, referral = review.load(db, document_id)
    except NotFound:
        raise HTTPException(status_code=404, detail="no such document") from None
    lock = review.lock_of(db, referral, principal.reviewer, now) if referral else None
    context = _context(db, principal, document, referral, lock, now, _zone(request), _desk(request))
    context["reprocess_loses"] = review.reprocess_loses(db, document_id)
    return templates.TemplateResponse(request, "review.html", context)


@router.post("/{document_id}/lock")
def take_lock(
    request: Request, document_id: DocumentId, principal: User, db: SessionDep
) -> Response:
    """Take the soft lock at the clerk's first edit; the answer replaces the lock notice."""
    return _locked(request, db, document_id, principal, "is working on this document")


@polling.post("/{document_id}/release")
def release_lock(document_id: DocumentId, principal: BackgroundUser, db: SessionDep) -> Response:
    """Give the lock up as the clerk leaves the page (sent as a beacon: nobody reads the
    answer)."""
    review.release_lock(db, document_id, principal.reviewer, utcnow())
    return Response(status_code=204)


@polling.post("/{document_id}/lock/renew")
def keep_lock(
    request: Request, document_id: DocumentId, principal: BackgroundUser, db: SessionDep
) -> Response:
    """Renew the soft lock while the clerk works; the answer replaces the lock notice."""
    return _locked(request, db, document_id, principal, "has taken over this document")


def _locked(
    request: Request, db: Session, document_id: int, principal: Principal, held: str
) -> Response:
    """Take or renew the lock; the notice says so when another clerk holds it (who ``held``)."""
    notice = None
    try:
        review.renew_lock(db, document_id, principal.reviewer, utcnow(), _hold(request))
    except LockedByOther as taken:
        db.rollback()  # refused: nothing of it is kept
        notice = f"{taken.holder} {held}: your changes cannot be saved unless you take it over."
    except ReviewError as problem:
        db.rollback()
        notice = f"{problem}. Reload the page."
    return templates.TemplateResponse(request, "_lock_notice.html", {"notice": notice})


def _saving(document_id: int, form: Form, principal: Principal) -> Action:
    """The clerk's values saved, as the first step of any action on the form."""

    def act(db: Session, now: datetime, hold: timedelta) -> None:
        review.save_values(db, document_id, principal.reviewer, _fields(form), now, hold)

    return act


def _perform(
    request: Request,
    db: Session,
    principal: Principal,
    document_id: int,
    form: Form,
    actions: list[Action],
    target: str,
) -> Response:
    """Run the actions in turn, each committed on its own, and stop at the first refused
    (rolled back): the page comes back with the reason. The clerk's values are saved first,
    so a refused approval keeps them, and the page shows what is wrong with them."""
    try:
        for act in actions:
            act(db, utcnow(), _hold(request))
            db.commit()
    except (ReviewError, InvalidValues) as problem:
        db.rollback()
        return _again(request, db, principal, document_id, form, problem)
    return RedirectResponse(target, status_code=303)


def _again(
    request: Request,
    db: Session,
    principal: Principal,
    document_id: int,
    form: Form,
    problem: ReviewError | InvalidValues,
) -> Response:
    if isinstance(problem, NotFound):
        raise HTTPException(status_code=404, detail="no such document")
    now = utcnow()
    document, referral = review.load(db, document_id)
    lock = review.lock_of(db, referral, principal.reviewer, now) if referral else None
    context = _context(
        db,
        principal,
        document,
        referral,
        lock,
        now,
        _zone(request),
        _desk(request),
        submitted=_fields(form),
        checked=_checked(form),
        errors=problem.errors if isinstance(problem, InvalidValues) else None,
        message=_message(problem),
        reason=form_text(form, "_reason"),
    )
    return templates.TemplateResponse(
        request, "review.html", context, status_code=problem.http_status
    )


def _message(problem: ReviewError | InvalidValues) -> str:
    if isinstance(problem, InvalidValues):
        return "Nothing was saved: some values are not valid (marked below)."
    if isinstance(problem, MissingRequired):
        return "Cannot approve: required fields are missing (listed above the form)."
    if isinstance(problem, UncheckedValues):
        return (
            "Cannot approve: values marked INVALID or CHECK fail a rule. Correct each one, or tick "
            '"Checked against the page" beside it if the page prints it so.'
        )
    return f"Refused: {problem}."


def _context(
    db: Session,
    principal: Principal,
    document: Document,
    referral: ReferralRecord | None,
    lock: Lock | None,
    now: datetime,
    zone: tzinfo | None,
    desk: Desk,
    *,
    submitted: dict[str, str] | None = None,
    checked: frozenset[str] = frozenset(),
    errors: dict[str, str] | None = None,
    message: str | None = None,
    reason: str = "",
    draft_at: datetime | None = None,
) -> dict[str, Any]:
    assert document.id is not None
    values = review.current_values(referral) if referral else {}
    open_for_review = referral is not None and document.status in OPEN_STATUSES
    decided_by = (
        db.get(UserRow, referral.decided_by_id) if referral and referral.decided_by_id else None
    )
    return {
        "principal": principal,
        "zone": zone,
        "document": document,
        "referral": referral,
        "lock": lock,
        "now": now,
        "pages": load_pages(db, document.id, values.get("evidence") or {}),
        #: The viewer opens at the order's first page: a cover sheet may come before it.
        "order_page": (values.get("source") or {}).get("order_page") or 1,
        "form": build_form(referral, submitted, errors, checked) if referral else None,
        "can_act": open_for_review and (lock is None or lock.mine),
        "can_reprocess": document.status in REPROCESSABLE and (lock is None or lock.mine),
        "can_reopen": principal.is_supervisor and document.status == Status.validated,
        "fax_back": (
            review.clarification_text(document, referral, desk)
            if referral and document.status == Status.needs_clarification
            else None
        ),
        "decided_by": decided_by.username if decided_by else None,
        "audit": audit_trail(db, document.id) if principal.is_supervisor else None,
        "message": message,
        "reason": reason,
        #: When the clerk's restored draft was typed, if the form shows one.
        "draft_at": draft_at,
        #: What reprocessing would discard, when the clerk asked to reprocess.
        "reprocess_loses": None,
    }


def _desk(request: Request) -> Desk:
    settings = services_of(request).settings
    return Desk(settings.desk_name, settings.desk_fax, settings.desk_phone)


@router.get("/{document_id}/fax-back.pdf")
def fax_back_pdf(
    request: Request, document_id: DocumentId, principal: User, db: SessionDep
) -> Response:
    """The fax-back letter of a document waiting on its office, as a one-page PDF."""
    try:
        document, referral = review.load(db, document_id)
    except NotFound:
        raise HTTPException(status_code=404, detail="no such document") from None
    if referral is None or document.status != Status.needs_clarification:
        raise HTTPException(status_code=404, detail="no fax-back for this document")
    letter = review.clarification_text(document, referral, _desk(request))
    append(db, "download", principal.actor, document_id=document_id, detail="fax-back letter")
    name = f"fax-back-{document_id}.pdf"
    return Response(
        letter_pdf(letter),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _zone(request: Request) -> tzinfo | None:
    return services_of(request).settings.zone


def _hold(request: Request) -> timedelta:
    return timedelta(minutes=services_of(request).settings.review_lock_minutes)


def _checked(form: Form) -> frozenset[str]:
    return frozenset(value for value in form.getlist(_CHECKED) if isinstance(value, str))


def _fields(form: Form) -> dict[str, str]:
    return {
        name: value
        for name, value in form.items()
        if not name.startswith(_CONTROL_PREFIX) and isinstance(value, str)
    }
