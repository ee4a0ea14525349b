"""Login and logout. The login form is the one page served without a session.

A login CSRF token rides in a cookie and the form (double submit), so another site cannot log
a browser in under its own account. Failures are audited and rate-limited; the page never
says whether the name or the password was wrong.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from intake.audit_trail import Actor, append
from intake.clock import utcnow
from intake.config import Settings
from intake.users import check_password
from review_ui import sessions, throttle
from review_ui.auth import Form, SessionDep, User, client_addr, form_text, services_of, ui_router
from review_ui.security import CSRF_FIELD, tokens_match
from review_ui.templating import templates

LOGIN_CSRF_COOKIE = "intake_login_csrf"

router = APIRouter()
logout_router = ui_router()


#: Where a login may lead back to: a page of this site, by its path alone (a document's
#: number is no PHI), never another site ("//host", "/\\host").
_NEXT_PAGE = re.compile(r"(?:/[a-z0-9-]+)+|/")


def next_page(path: str) -> str | None:
    """The page to return to after logging in, when ``path`` is one of this site's."""
    return path if _NEXT_PAGE.fullmatch(path) and path != "/login" else None


def _login_page(
    request: Request,
    error: str | None = None,
    status_code: int = 200,
    *,
    username: str = "",
    after: str | None = None,
) -> Response:
    token = secrets.token_urlsafe(32)
    context = {
        "login_csrf": token,
        "error": error,
        "principal": None,
        # A refused login keeps the name typed (never the password) and where it leads.
        "username": username,
        "next_page": after,
    }
    response = templates.TemplateResponse(request, "login.html", context, status_code=status_code)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, after: Annotated[str, Query(alias="next")] = "") -> Response:
    return _login_page(request, after=next_page(after))


@dataclass(frozen=True)
class _Refusal:
    message: str
    status_code: int
    #: Seconds before another attempt is heard (a throttled login's Retry-After).
    retry_after: int | None = None


def _spoken(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


@router.post("/login")
def login(request: Request, form: Form, db: SessionDep) -> Response:
    after = next_page(form_text(form, "next"))
    username = form_text(form, "username").strip().lower()[:80]
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE, ""), form_text(form, CSRF_FIELD)):
        message = "The login form expired. Please try again."
        return _login_page(request, message, 403, username=username, after=after)
    settings = services_of(request).settings
    outcome = _log_in(
        db,
        username,
        form_text(form, "password"),
        client_addr(request),
        settings,
        request.cookies.get(sessions.COOKIE),
    )
    if isinstance(outcome, _Refusal):
        page = _login_page(
            request, outcome.message, outcome.status_code, username=username, after=after
        )
        if outcome.retry_after is not None:
            page.headers["retry-after"] = str(outcome.retry_after)
        return page
    response = RedirectResponse(after or "/queue", status_code=303)
    response.set_cookie(
        sessions.COOKIE,
        outcome,
        httponly=True,
        samesite="strict",
        secure=settings.cookie_secure,
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
    wait = throttle.retry_after(db, username, addr, now)
    if wait is not None:
        append(db, throttle.FAILED, Actor(username, client_addr=addr), detail=throttle.REFUSED)
        seconds = math.ceil(wait.total_seconds())
        return _Refusal(f"Too many failed logins. Try again in {_spoken(seconds)}.", 429, seconds)
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


@logout_router.post("/session/touch")
def stay_signed_in(principal: User) -> Response:
    """Activity on a page that sent no request of its own (typing, "Stay signed in"): the
    session's idle clock starts again, as with any request a clerk makes."""
    return Response(status_code=204)


@logout_router.post("/logout")
def logout(request: Request, principal: User, db: SessionDep) -> Response:
    sessions.end(db, request.cookies.get(sessions.COOKIE, ""))
    append(db, "logout", principal.actor)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(sessions.COOKIE, path="/")
    return response
