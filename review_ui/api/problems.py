"""Errors as RFC 9457 problem details (``application/problem+json``) with a stable ``code``.

The API's routes use ProblemRoute, so their errors (a bad token, a malformed parameter, a
referral the token may not see, a bug) leave as problems without any handler on the app, and
every answer carries ``Cache-Control: no-store``. Messages name parameters, never their values.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping
from http import HTTPStatus
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

logger = logging.getLogger(__name__)

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
    #: not_found (404), method_not_allowed (405), invalid_request (422),
    #: database_unavailable (503), internal_error (500).
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

    def response(self, request: Request) -> Response:
        problem = Problem(
            title=HTTPStatus(self.status).phrase,
            status=self.status,
            detail=self.detail,
            instance=request.url.path,
            code=self.code,
            invalid_params=self.invalid,
        )
        return JSONResponse(
            problem.model_dump(mode="json", by_alias=True, exclude_none=True),
            status_code=self.status,
            headers=self.headers,
            media_type=MEDIA_TYPE,
        )


def not_found() -> ApiProblem:
    # One answer for "does not exist" and "not yours to see", so ids reveal nothing.
    return ApiProblem(404, "not_found", "no validated referral with this id")


def _invalid_request(error: RequestValidationError) -> ApiProblem:
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
    problem; the app's handler sends the API's HTTP errors here."""
    phrase = HTTPStatus(error.status_code).phrase
    return ApiProblem(
        error.status_code,
        _HTTP_CODES.get(error.status_code, "http_error"),
        phrase.lower(),
        headers=error.headers,
    ).response(request)


class ProblemRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                response = await handler(request)
            except ApiProblem as problem:
                response = problem.response(request)
            except RequestValidationError as error:
                response = _invalid_request(error).response(request)
            except HTTPException as error:
                response = http_problem(request, error)
            except Exception:
                # The type only: messages from libraries can quote data.
                logger.exception("api error", extra={"path": request.url.path})
                response = ApiProblem(
                    500, "internal_error", "the server failed; the error is logged"
                ).response(request)
            response.headers["Cache-Control"] = "no-store"
            return response

        return handle


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


_DOCUMENTED: dict[int, tuple[str, Problem]] = {
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


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the problems an endpoint can answer with."""
    return {
        status: {"description": _DOCUMENTED[status][0], "content": _problem_content(example)}
        for status in statuses
        for example in (_DOCUMENTED[status][1],)
    }
