"""The API's own OpenAPI document, at /api/v1/openapi.json: the /api/v1 routes only, not the
review UI's pages."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.routing import BaseRoute

from review_ui.api.negotiation import JSON, offering
from review_ui.api.problems import component_schemas
from review_ui.api.routing import ApiRoute

DESCRIPTION = """\
Validated referrals for downstream systems, each delivered to each consumer exactly once.

Every endpoint but `/health` needs `Authorization: Bearer <token>`; a token is made with
`intake tokens add NAME --scope referrals:read` and is shown once. Each token is one consumer:
its acknowledgements are its own.

Two ways to consume:

* **pending + ack**: `GET /referrals/pending`, store each referral, `POST /referrals/{id}/ack`,
  repeat. Acknowledging is idempotent.
* **cursor**: `GET /referrals?after=<cursor>`, keep the page's `next_cursor`, ask again with it
  (or follow the `Link: <…>; rel="next"` header while `has_more`). The cursor follows the
  order of the clerks' decisions and stays correct while they make more.

**Versions.** A supervisor may reopen a validated referral to correct it; validated again, it
comes again in the feed and in `pending` with `"event": "corrected"` and `version` 2 (3...),
replacing the earlier version: store referrals by `id`, keeping the highest `version`. Ack with
`?version=N` to acknowledge what you stored. The feed can also carry status events
(`reopened`, `rejected`, `clarification_requested`, without the referral's values) when asked
with `events=`; by default it lists referrals only.

**HTTP.** Every GET answered 200 has a strong `ETag`; send it back in `If-None-Match` to get 304
without a body. HEAD works wherever GET does. A request whose `Accept` admits none of an
endpoint's formats gets 406. Each token has a rate limit, advertised on every answer with the
`RateLimit-Policy` and `RateLimit` fields (draft-ietf-httpapi-ratelimit-headers-10,
e.g. `"api";q=1200;w=60` and `"api";r=1187;t=42`); over it, 429 with `Retry-After`.

Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`, except
on the FHIR endpoint, which answers FHIR R4 OperationOutcomes (`application/fhir+json`).
Every read of a referral is recorded in the audit trail under the token's name.
"""


def openapi_router(api_routes: list[BaseRoute]) -> APIRouter:
    router = APIRouter(route_class=ApiRoute)

    @cache
    def document() -> dict[str, Any]:
        schema = get_openapi(
            title="fax-intake downstream API",
            version="1",
            description=DESCRIPTION,
            routes=api_routes,
        )
        schema.setdefault("components", {}).setdefault("schemas", {}).update(component_schemas())
        return schema

    @router.get("/openapi.json", include_in_schema=False, dependencies=[offering(JSON)])
    def openapi() -> JSONResponse:
        return JSONResponse(document())

    return router
