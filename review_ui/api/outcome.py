"""Errors of the FHIR routes as FHIR R4 OperationOutcomes (``application/fhir+json``): a FHIR
client reads those, not problem details. The issue carries the API's stable ``code`` in
``details.coding`` and the same message as the problem would."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue
from starlette.requests import Request
from starlette.responses import Response

from review_ui.api.problems import DOCUMENTED, ERROR_HEADERS, ApiProblem

FHIR_JSON = "application/fhir+json"
#: The code system of the API's problem codes (token_missing, not_found...).
CODE_SYSTEM = "urn:fax-intake:api-problem-code"

#: FHIR's IssueType for each status the API answers with.
_ISSUE_TYPES = {
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    422: "invalid",
    429: "throttled",
    500: "exception",
    503: "transient",
}


def operation_outcome(error: ApiProblem) -> OperationOutcome:
    issue_type = _ISSUE_TYPES.get(error.status, "processing")
    details = {
        "coding": [{"system": CODE_SYSTEM, "code": error.code}],
        "text": error.detail,
    }
    issues = [OperationOutcomeIssue(severity="error", code=issue_type, details=details)]
    issues += [
        OperationOutcomeIssue(
            severity="error", code=issue_type, diagnostics=f"{param.name}: {param.reason}"
        )
        for param in error.invalid or []
    ]
    return OperationOutcome(issue=issues)


def outcome_response(error: ApiProblem, request: Request) -> Response:
    return Response(
        operation_outcome(error).model_dump_json(),
        status_code=error.status,
        headers=error.headers,
        media_type=FHIR_JSON,
    )


_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["resourceType", "issue"],
    "properties": {
        "resourceType": {"const": "OperationOutcome"},
        "issue": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["severity", "code"],
                "properties": {
                    "severity": {"enum": ["fatal", "error", "warning", "information"]},
                    "code": {"type": "string"},
                    "details": {"type": "object"},
                    "diagnostics": {"type": "string"},
                },
            },
        },
    },
}


def documented_outcomes(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the errors a FHIR endpoint answers with."""
    entries: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        description, problem = DOCUMENTED[status]
        example = ApiProblem(status, problem.code, problem.detail or HTTPStatus(status).phrase)
        entries[status] = {
            "description": description,
            "content": {
                FHIR_JSON: {
                    "schema": _SCHEMA,
                    "example": operation_outcome(example).model_dump(mode="json"),
                }
            },
            **({"headers": ERROR_HEADERS[status]} if status in ERROR_HEADERS else {}),
        }
    return entries
