"""Login and logout. The login form is the one page served without a session.

A login CSRF token rides in a cookie and the form (double submit), so another site cannot log
a browser in under its own account. Failures are audited and rate-limited; the page never
says whether the name or the password was wrong.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from intake.audit_trail import Actor, append
from intake.clock import utcnow
from intake.config import Settings
from intake.db.engine import session_scope
from intake.users import check_password
from review_ui import sessions, throttle
from review_ui.auth import Form, User, client_addr, form_text, services_of, ui_router
from review_ui.security import CSRF_FIELD, tokens_match
from review_ui.templating import templates

LOGIN_CSRF_COOKIE = "intake_login_csrf"

router = APIRouter()
logout_router = ui_router()


def _login_page(request: Request, error: str | None = None, status_code: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {"login_csrf": token, "error": error, "principal": None},
        status_code=status_code,
    )
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return _login_page(request)


@dataclass(frozen=True)
class _Refusal:
    message: str
    status_code: int


@router.post("/login")
def login(request: Request, form: Form) -> Response:
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE, ""), form_text(form, CSRF_FIELD)):
        return _login_page(request, "The login form expired. Please try again.", 403)
    services = services_of(request)
    with session_scope(services.engine) as db:
        outcome = _log_in(
            db,
            form_text(form, "username").strip().lower()[:80],
            form_text(form, "password"),
            client_addr(request),
            services.settings,
            request.cookies.get(sessions.COOKIE),
        )
    if isinstance(outcome, _Refusal):
        return _login_page(request, outcome.message, outcome.status_code)
    response = RedirectResponse("/queue", status_code=303)
    response.set_cookie(
        sessions.COOKIE,
        outcome,
        httponly=True,
        samesite="strict",
        secure=services.settings.cookie_secure,
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


def _log_in(
    db: Session,
    username: str,
    password: str,
    addr: str | None,
    settings: Settings,
    old_session: str | None,
) -> str | _Refusal:
    """A new session id, or why not. Every failure is audited."""
    now = utcnow()
    if throttle.locked_out(db, username, addr, now):
        append(db, throttle.FAILED, Actor(username, client_addr=addr), detail="rate limited")
        return _Refusal("Too many failed logins. Wait 15 minutes and try again.", 429)
    check = check_password(db, username, password)
    user = check.user
    if not check.ok or user is None:
        actor = Actor(username, user.id if user else None, client_addr=addr)
        append(db, throttle.FAILED, actor, detail=check.reason)
        return _Refusal("Wrong username or password.", 401)
    sessions.purge_expired(db, settings, now)
    if old_session:
        # A new id at every login: a session id planted before login is worth nothing.
        sessions.end(db, old_session)
    append(db, "login", Actor(user.username, user.id, client_addr=addr))
    return sessions.start(db, user, addr, settings, now)


@logout_router.post("/logout")
def logout(request: Request, principal: User) -> Response:
    services = services_of(request)
    with session_scope(services.engine) as db:
        sessions.end(db, request.cookies.get(sessions.COOKIE, ""))
        append(db, "logout", principal.actor)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(sessions.COOKIE, path="/")
    return response
