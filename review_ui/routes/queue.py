"""The queue page. Filters and the search box are POSTed (search terms are PHI: no query
strings); the table refreshes itself by polling, which does not keep an idle session alive."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from intake.clock import utcnow
from review_ui.auth import BackgroundUser, Form, SessionDep, User, services_of, ui_router
from review_ui.sessions import Principal
from review_ui.templating import templates
from review_ui.views.queue import STATUS_CHOICES, TYPE_CHOICES, QueueFilter, queue_page

router = ui_router()
polling = ui_router(background=True)

#: How often an open queue page asks for new rows.
POLL_SECONDS = 10


@router.get("/")
def home() -> Response:
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue")
def queue(request: Request, principal: User, db: SessionDep) -> Response:
    return _render(request, db, principal, QueueFilter(), "queue.html")


@router.post("/queue")
def filtered_queue(request: Request, principal: User, form: Form, db: SessionDep) -> Response:
    # htmx swaps only the table; a plain form post (no script) gets the whole page.
    template = "_queue_rows.html" if request.headers.get("hx-request") else "queue.html"
    return _render(request, db, principal, QueueFilter.from_form(form), template)


@polling.post("/queue/rows")
def queue_rows(request: Request, principal: BackgroundUser, form: Form, db: SessionDep) -> Response:
    return _render(request, db, principal, QueueFilter.from_form(form), "_queue_rows.html")


def _render(
    request: Request, db: Session, principal: Principal, wanted: QueueFilter, template: str
) -> Response:
    services = services_of(request)
    now = utcnow()
    today = now.astimezone(services.settings.zone).date()
    page = queue_page(db, wanted, now, today)
    return templates.TemplateResponse(
        request,
        template,
        {
            "principal": principal,
            "page": page,
            "wanted": wanted,
            "status_choices": STATUS_CHOICES,
            "type_choices": TYPE_CHOICES,
            "now": now,
            "zone": services.settings.zone,
            "poll_seconds": POLL_SECONDS,
        },
    )
