"""The web application: the clerks' review UI and, under /api/v1, the downstream API.

Served by `intake run` (beside the watcher and workers) and `intake serve`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from extractors.codes import icd10
from intake.services import Services
from review_ui import admin_tokens
from review_ui.api import router as api_router
from review_ui.api.head import HeadAsGet
from review_ui.api.problems import http_problem
from review_ui.api.rate_limit import RateLimiter
from review_ui.auth import LoginRequired
from review_ui.routes import dashboard, files, login, lookup, queue, review
from review_ui.security import SecurityHeaders, page_headers
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
    app.state.api_limiter = RateLimiter(services.settings.api_rate)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet, prefix=api_router.prefix)
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
    # The API validates its own requests; here only a UI path's id can fail (out of range).
    app.add_exception_handler(RequestValidationError, _no_such_page)
    # Answered outside every middleware (Starlette's error middleware is the outermost), so
    # the page carries the security headers itself.
    app.add_exception_handler(Exception, _server_error)
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
    return _page(request, exc.status_code, str(exc.detail), exc.headers)


async def _no_such_page(request: Request, exc: Exception) -> Response:
    return _page(request, 404, "Not Found")


async def _server_error(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith(api_router.prefix):
        error = StarletteHTTPException(500)
        return http_problem(request, error)
    return _page(request, 500, "Something went wrong on our side; what you saved is kept.")


def _page(
    request: Request, status_code: int, detail: str, headers: Mapping[str, str] | None = None
) -> Response:
    return templates.TemplateResponse(
        request,
        "error.html",
        # The menu stays when the session is known (a 404 or 403 inside the app).
        {
            "status_code": status_code,
            "detail": detail,
            "principal": getattr(request.state, "principal", None),
        },
        status_code=status_code,
        headers={**page_headers(), **(headers or {})},
    )
