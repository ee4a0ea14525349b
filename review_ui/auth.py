"""Request dependencies: the database session, who is logged in, the CSRF check, and role
checks.

Every router of the web UI (all but login and static files) is built with ``ui_router``, so
a route cannot be added without a session check and, for state-changing methods, a CSRF
check. The API under /api/v1 has its own bearer-token auth and is not built with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from sqlmodel import Session
from starlette.datastructures import FormData

from intake.clock import utcnow
from intake.db.engine import session_scope
from intake.services import Services
from review_ui.security import CSRF_FIELD, CSRF_HEADER, SAFE_METHODS, tokens_match
from review_ui.sessions import COOKIE, Principal, resolve


class LoginRequired(Exception):
    """No valid session: the app sends the browser to the login page."""


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def database_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: committed when the route returns, rolled back if it
    raises (intake.db.engine.session_scope). The login check commits its part first.

    A route that also calls a function given the engine, which opens transactions of its
    own, does so while this session holds none open: SQLite takes its write lock at BEGIN,
    so the two would wait on each other.
    """
    with session_scope(services_of(request).engine) as session:
        yield session


#: Scope "function": the commit happens when the route function returns, before its answer is
#: sent, so the page a redirect leads to sees the change, and a failed commit is the request's
#: error instead of a lost write after a success was answered.
SessionDep = Annotated[Session, Depends(database_session, scope="function")]


def client_addr(request: Request) -> str | None:
    return request.client.host if request.client else None


def _principal(request: Request, db: Session, active: bool) -> Principal:
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    session_id = request.cookies.get(COOKIE)
    if not session_id:
        raise LoginRequired
    settings = services_of(request).settings
    principal = resolve(db, session_id, settings, utcnow(), client_addr(request), active=active)
    # The session's activity is kept even when the route then fails, as a separate step.
    db.commit()
    if principal is None:
        raise LoginRequired
    request.state.principal = principal
    return principal


def current_user(request: Request, db: SessionDep) -> Principal:
    return _principal(request, db, active=True)


def background_user(request: Request, db: SessionDep) -> Principal:
    """For polling: checks the session without counting the request as the user's activity."""
    return _principal(request, db, active=False)


async def form_data(request: Request) -> FormData:
    # Starlette caches the parsed form on the request, so reading it twice costs nothing.
    return await request.form()


def form_text(form: FormData, name: str) -> str:
    """A text field of a posted form; "" when absent (or a file)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def _csrf_checked(request: Request) -> None:
    if request.method in SAFE_METHODS:
        return
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise LoginRequired
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        given = form_text(await request.form(), CSRF_FIELD)
    if not tokens_match(principal.csrf_token, given):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token")


def ui_router(*, background: bool = False, **kwargs: Any) -> APIRouter:
    """A router whose every route needs a session (and a CSRF token unless GET/HEAD).

    ``background`` routes are polled by the page and do not keep an idle session alive.
    """
    session = background_user if background else current_user
    return APIRouter(dependencies=[Depends(session), Depends(_csrf_checked)], **kwargs)


def supervisor(principal: Annotated[Principal, Depends(current_user)]) -> Principal:
    if not principal.is_supervisor:
        raise HTTPException(status_code=403, detail="supervisors only")
    return principal


User = Annotated[Principal, Depends(current_user)]
BackgroundUser = Annotated[Principal, Depends(background_user)]
Supervisor = Annotated[Principal, Depends(supervisor)]
Form = Annotated[FormData, Depends(form_data)]
