"""The admin's page for downstream consumers: API tokens (made, shown once, revoked) and the
webhook deliveries that ran out of attempts, which the admin can send again."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from intake import tokens, webhooks
from intake.db.accounts import Role
from review_ui.auth import Form, User, services_of, ui_router
from review_ui.sessions import Principal
from review_ui.templating import templates

router = ui_router(prefix="/admin")
PAGE = "/admin/tokens"


def admin(principal: User) -> Principal:
    if principal.role != Role.admin:
        raise HTTPException(status_code=403, detail="admins only")
    return principal


Admin = Annotated[Principal, Depends(admin)]


def _page(
    request: Request,
    principal: Principal,
    *,
    error: str | None = None,
    made: tuple[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    services = services_of(request)
    engine = services.engine
    return templates.TemplateResponse(
        request,
        "admin/tokens.html",
        {
            "principal": principal,
            "tokens": tokens.list_tokens(engine),
            "scopes": tokens.SCOPES,
            "dead_letters": webhooks.dead_letters(engine),
            "error": error,
            "made": made,
            "zone": services.settings.zone,
        },
        status_code=status_code,
    )


@router.get("/tokens")
def tokens_page(request: Request, principal: Admin) -> Response:
    return _page(request, principal)


@router.post("/tokens")
def make_token(request: Request, principal: Admin, form: Form) -> Response:
    name = str(form.get("name") or "").strip()
    scopes = [str(scope) for scope in form.getlist("scope")]
    try:
        secret = tokens.create(services_of(request).engine, name, scopes, principal.actor)
    except tokens.TokenError as error:
        return _page(request, principal, error=str(error), status_code=error.http_status)
    # Shown in this answer only (never in a URL or a redirect); the page is not cached.
    return _page(request, principal, made=(name, secret))


@router.post("/tokens/revoke")
def revoke_token(request: Request, principal: Admin, form: Form) -> Response:
    try:
        tokens.revoke(services_of(request).engine, str(form.get("name") or ""), principal.actor)
    except tokens.TokenError as error:
        return _page(request, principal, error=str(error), status_code=error.http_status)
    return RedirectResponse(PAGE, status_code=303)


@router.post("/webhooks/retry")
def retry_delivery(request: Request, principal: Admin, form: Form) -> Response:
    given = str(form.get("delivery_id") or "")
    if not given.isdigit() or not webhooks.retry(services_of(request).engine, int(given)):
        return _page(request, principal, error="no such dead delivery", status_code=422)
    return RedirectResponse(PAGE, status_code=303)
