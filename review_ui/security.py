"""Response headers for every page, and the CSRF token checks.

The policy allows scripts and styles from this site's own files only: no inline script, no
inline style, no eval (htmx runs with allowEval false), nothing framed. Every response that
is not a static file may carry PHI, so none of them is stored by the browser or a proxy.
"""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)
STATIC_PREFIX = "/static/"
#: Header htmx requests carry the token in (set by static/app.js from the page's meta tag).
CSRF_HEADER = "x-csrf-token"
#: Form field plain form posts carry it in; leading "_" keeps it apart from referral fields.
CSRF_FIELD = "_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


def page_headers() -> dict[str, str]:
    """The headers of a page that is not a static file: what an error page answered outside
    the middleware (a 500) must carry too."""
    return {**_HEADERS, "cache-control": "no-store"}


class SecurityHeaders:
    """ASGI middleware adding the headers above, and no-store on everything but static files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = str(scope.get("path", "")).startswith(STATIC_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _HEADERS.items():
                    headers.setdefault(name, value)
                if not cacheable:
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def tokens_match(expected: str, given: str | None) -> bool:
    return bool(given) and secrets.compare_digest(expected.encode(), str(given).encode())
