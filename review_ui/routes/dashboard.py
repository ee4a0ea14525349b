"""The supervisor dashboard: volumes and timeliness by referral type."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from intake.clock import utcnow
from review_ui.auth import SessionDep, Supervisor, services_of, ui_router
from review_ui.templating import templates
from review_ui.views.dashboard import TYPES, dashboard

router = ui_router()


@router.get("/dashboard")
def dashboard_page(request: Request, principal: Supervisor, db: SessionDep) -> Response:
    figures = dashboard(db, utcnow(), services_of(request).settings.zone)
    return templates.TemplateResponse(
        request,
        "dashboard.html",
        {"principal": principal, "figures": figures, "types": TYPES},
    )
