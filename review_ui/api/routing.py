"""The route class of every API endpoint: one place for what every answer carries.

Errors (a bad token, a malformed parameter, a referral the token may not see, a bug) leave as
problem details (review_ui.api.problems), or as OperationOutcomes on the FHIR routes, without
any handler on the app. Every answer carries ``Cache-Control: no-store`` and the token's
rate-limit fields. A GET answered 200 carries a strong ETag, the SHA-256 of the bytes sent
(or the original's own hash), and a request whose If-None-Match names it is answered 304 with
no body; the read is still audited, since the request was served.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from review_ui.api.outcome import outcome_response
from review_ui.api.problems import ApiProblem, http_problem, invalid_request, problem_json
from review_ui.api.rate_limit import quota_of

logger = logging.getLogger(__name__)

#: An entity-tag in an If-None-Match list (RFC 9110 §8.8.3), weak or strong.
_ENTITY_TAG = re.compile(r'(?:W/)?("[^"]*")')
#: What a 304 keeps of the 200 it stands for (RFC 9110 §15.4.5).
_NOT_MODIFIED_KEEPS = ("etag", "cache-control", "vary", "link", "content-location")


def strong_etag(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()}"'


def _matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison, as If-None-Match asks (RFC 9110 §13.1.2)."""
    if if_none_match.strip() == "*":
        return True
    return etag.removeprefix("W/") in _ENTITY_TAG.findall(if_none_match)


def _conditional(request: Request, response: Response) -> Response:
    if request.method != "GET" or response.status_code != 200:
        return response
    etag = response.headers.get("etag") or strong_etag(bytes(response.body))
    response.headers["ETag"] = etag
    if not _matches(request.headers.get("if-none-match", ""), etag):
        return response
    kept = {k: v for k, v in response.headers.items() if k.lower() in _NOT_MODIFIED_KEEPS}
    return Response(status_code=304, headers=kept)


class ApiRoute(APIRoute):
    def render_problem(self, error: ApiProblem, request: Request) -> Response:
        return problem_json(error, request)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                response = _conditional(request, await handler(request))
            except ApiProblem as problem:
                response = self.render_problem(problem, request)
            except RequestValidationError as error:
                response = self.render_problem(invalid_request(error), request)
            except HTTPException as error:
                response = http_problem(request, error)
            except Exception:
                # The type only: messages from libraries can quote data.
                logger.exception("api error", extra={"path": request.url.path})
                failed = ApiProblem(500, "internal_error", "the server failed; the error is logged")
                response = self.render_problem(failed, request)
            response.headers["Cache-Control"] = "no-store"
            quota = quota_of(request)
            if quota is not None:
                response.headers.update(quota.headers())
            return response

        return handle


class FhirRoute(ApiRoute):
    """A FHIR endpoint: its errors are OperationOutcomes."""

    def render_problem(self, error: ApiProblem, request: Request) -> Response:
        return outcome_response(error, request)
