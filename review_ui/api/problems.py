"""Errors as RFC 9457 problem details (``application/problem+json``) with a stable ``code``;
the FHIR routes give the same errors as OperationOutcomes (review_ui.api.outcome).

The API's routes (review_ui.api.routing) turn every error into one, without any handler on
the app. Messages name parameters, never their values.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, Protocol

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

MEDIA_TYPE = "application/problem+json"


class InvalidParam(BaseModel):
    #: Where the bad value was, e.g. "query.limit" or "path.referral_id".
    name: str
    reason: str


class Problem(BaseModel):
    type: str = Field(default="about:blank", description="RFC 9457 problem type.")
    title: str = Field(description="The HTTP status phrase.")
    status: int
    detail: str | None = None
    #: The request path (ids only; no PHI is ever in a path).
    instance: str | None = None
    #: Stable and machine-readable: token_missing, token_invalid (401), scope_missing (403),
    #: not_found (404), method_not_allowed (405), not_acceptable (406), invalid_request
    #: (422), rate_limited (429), database_unavailable (503), internal_error (500).
    code: str
    invalid_params: list[InvalidParam] | None = Field(
        default=None, alias="invalid-params", serialization_alias="invalid-params"
    )

    model_config = {"populate_by_name": True}


class ApiProblem(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        headers: Mapping[str, str] | None = None,
        invalid: list[InvalidParam] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = dict(headers or {})
        self.invalid = invalid


def problem_json(error: ApiProblem, request: Request) -> Response:
    problem = Problem(
        title=HTTPStatus(error.status).phrase,
        status=error.status,
        detail=error.detail,
        instance=request.url.path,
        code=error.code,
        invalid_params=error.invalid,
    )
    return JSONResponse(
        problem.model_dump(mode="json", by_alias=True, exclude_none=True),
        status_code=error.status,
        headers=error.headers,
        media_type=MEDIA_TYPE,
    )


class Renders(Protocol):
    """A route that answers its errors in a format of its own (the FHIR routes)."""

    def render_problem(self, error: ApiProblem, request: Request) -> Response: ...


def not_found() -> ApiProblem:
    # One answer for "does not exist" and "not yours to see", so ids reveal nothing.
    return ApiProblem(404, "not_found", "no validated referral with this id")


def invalid_request(error: RequestValidationError) -> ApiProblem:
    invalid = [
        InvalidParam(
            name=".".join(str(part) for part in e.get("loc", ())), reason=str(e.get("msg", ""))
        )
        for e in error.errors()
    ]
    return ApiProblem(
        422, "invalid_request", "the request's parameters are not valid", invalid=invalid
    )


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def http_problem(request: Request, error: HTTPException) -> Response:
    """An HTTP error from routing (no such path, a method the path does not take) as a
    problem, or as the matched route renders its errors; the app's handler sends the API's
    HTTP errors here."""
    phrase = HTTPStatus(error.status_code).phrase
    headers = dict(error.headers or {})
    allowed = [m.strip() for m in headers.get("Allow", "").split(",") if m.strip()]
    if "GET" in allowed and "HEAD" not in allowed:
        # HEAD is answered wherever GET is (review_ui.api.head), before routing sees it.
        headers["Allow"] = ", ".join([*allowed, "HEAD"])
    problem = ApiProblem(
        error.status_code,
        _HTTP_CODES.get(error.status_code, "http_error"),
        phrase.lower(),
        headers=headers,
    )
    # A path matched with another method (405) has its route in the scope.
    route = request.scope.get("route")
    if route is not None and hasattr(route, "render_problem"):
        renderer: Renders = route
        response = renderer.render_problem(problem, request)
    else:
        response = problem_json(problem, request)
    response.headers["Cache-Control"] = "no-store"
    return response


_REF_TEMPLATE = "#/components/schemas/{model}"


def component_schemas() -> dict[str, Any]:
    """The Problem schema and those it uses, for the OpenAPI document's components."""
    schema = Problem.model_json_schema(by_alias=True, ref_template=_REF_TEMPLATE)
    return {"Problem": {k: v for k, v in schema.items() if k != "$defs"}, **schema["$defs"]}


def _problem_content(example: Problem) -> dict[str, Any]:
    return {
        MEDIA_TYPE: {
            "schema": {"$ref": _REF_TEMPLATE.format(model="Problem")},
            "example": example.model_dump(mode="json", by_alias=True, exclude_none=True),
        }
    }


DOCUMENTED: dict[int, tuple[str, Problem]] = {
    401: (
        "No bearer token, or one that is unknown or revoked.",
        Problem(
            title="Unauthorized",
            status=401,
            code="token_missing",
            detail="send the API token as 'Authorization: Bearer <token>'",
        ),
    ),
    403: (
        "The token lacks the scope this endpoint needs.",
        Problem(
            title="Forbidden",
            status=403,
            code="scope_missing",
            detail="this token lacks the referrals:read scope",
        ),
    ),
    404: (
        "No validated referral with this id (or not one this token may see).",
        Problem(title="Not Found", status=404, code="not_found", detail="no validated referral..."),
    ),
    406: (
        "The Accept header (or `_format`) admits no format this endpoint serves.",
        Problem(
            title="Not Acceptable",
            status=406,
            code="not_acceptable",
            detail="this endpoint serves application/json",
        ),
    ),
    422: (
        "A parameter is malformed or out of range.",
        Problem(
            title=HTTPStatus(422).phrase,
            status=422,
            code="invalid_request",
            detail="the request's parameters are not valid",
            invalid_params=[InvalidParam(name="query.limit", reason="Input should be <= 500")],
        ),
    ),
    429: (
        "Over the token's rate limit: wait the seconds in `Retry-After`.",
        Problem(
            title="Too Many Requests",
            status=429,
            code="rate_limited",
            detail="more than 1200 requests in 60 s; try again later",
        ),
    ),
    503: (
        "The database cannot be reached.",
        Problem(
            title="Service Unavailable",
            status=503,
            code="database_unavailable",
            detail="the database cannot be reached",
        ),
    ),
}


#: Headers an error carries beyond those of every answer, by status.
ERROR_HEADERS: dict[int, dict[str, Any]] = {
    429: {
        "Retry-After": {
            "description": "Seconds until the token may ask again.",
            "schema": {"type": "integer", "minimum": 1},
        }
    }
}


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the problems an endpoint can answer with."""
    return {
        status: {
            "description": DOCUMENTED[status][0],
            "content": _problem_content(DOCUMENTED[status][1]),
            **({"headers": ERROR_HEADERS[status]} if status in ERROR_HEADERS else {}),
        }
        for status in statuses
    }
