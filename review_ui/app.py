"""The web application: the clerks' review UI and, under /api/v1, the downstream API.

Served by `intake run` (beside the watcher and workers) and `intake serve`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from extractors.codes import icd10
from intake.pipeline import Services
from review_ui import admin_tokens
from review_ui.api import router as api_router
from review_ui.api.problems import http_problem
from review_ui.auth import LoginRequired
from review_ui.routes import dashboard, files, login, lookup, queue, review
from review_ui.security import SecurityHeaders
from review_ui.templating import templates

STATIC_DIR = Path(__file__).resolve().parent / "static"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The ICD-10-CM code set takes seconds to load; load it before the first clerk waits.
    await run_in_threadpool(icd10.lookup, "A00.0")
    yield


def create_app(services: Services) -> FastAPI:
    # No interactive docs: they would be pages without a session. The API publishes its own
    # OpenAPI document under /api/v1.
    app = FastAPI(
        title="fax-intake",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=_lifespan,
    )
    app.state.services = services
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(login.router)
    app.include_router(login.logout_router)
    app.include_router(queue.router)
    app.include_router(queue.polling)
    app.include_router(review.router)
    app.include_router(review.polling)
    app.include_router(files.router)
    app.include_router(lookup.router)
    app.include_router(dashboard.router)
    app.include_router(api_router)
    app.include_router(admin_tokens.router)
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(StarletteHTTPException, _error_page)
    return app


async def _to_login(request: Request, exc: Exception) -> Response:
    if request.method == "GET" and not request.headers.get("hx-request"):
        # Back to the page asked for once logged in (its path only: no query, no PHI).
        after = login.next_page(request.url.path)
        return RedirectResponse(f"/login?next={after}" if after else "/login", status_code=303)
    # htmx follows HX-Redirect; anything else gets a plain refusal.
    return Response("login required", status_code=401, headers={"hx-redirect": "/login"})


async def _error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if request.url.path.startswith(api_router.prefix):
        # The API answers in its own format (problem details), never with an HTML page.
        return http_problem(request, exc)
    return templates.TemplateResponse(
        request,
        "error.html",
        # The menu stays when the session is known (a 404 or 403 inside the app).
        {
            "status_code": exc.status_code,
            "detail": exc.detail,
            "principal": getattr(request.state, "principal", None),
        },
        status_code=exc.status_code,
        headers=exc.headers,
    )
