"""The supervisor dashboard: volumes and timeliness by referral type."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from intake.clock import utcnow
from intake.db.engine import session_scope
from review_ui.auth import Supervisor, services_of, ui_router
from review_ui.templating import templates
from review_ui.views.dashboard import TYPES, dashboard

router = ui_router()


@router.get("/dashboard")
def dashboard_page(request: Request, principal: Supervisor) -> Response:
    services = services_of(request)
    with session_scope(services.engine) as db:
        figures = dashboard(db, utcnow(), services.settings.zone)
    return templates.TemplateResponse(
        request,
        "dashboard.html",
        {"principal": principal, "figures": figures, "types": TYPES},
    )
