"""The API's own OpenAPI document, at /api/v1/openapi.json: the /api/v1 routes only, not the
review UI's pages."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.routing import BaseRoute

from review_ui.api.problems import component_schemas

DESCRIPTION = """\
Validated referrals for downstream systems, each delivered to each consumer exactly once.

Every endpoint but `/health` needs `Authorization: Bearer <token>`; a token is made with
`intake tokens add NAME --scope referrals:read` and is shown once. Each token is one consumer:
its acknowledgements are its own.

Two ways to consume:

* **pending + ack**: `GET /referrals/pending`, store each referral, `POST /referrals/{id}/ack`,
  repeat. Acknowledging is idempotent.
* **cursor**: `GET /referrals?after=<cursor>`, keep the page's `next_cursor`, ask again with it.
  The cursor follows the order of validation and stays correct while clerks validate more.

Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`.
Every read of a referral is recorded in the audit trail under the token's name.
"""


def openapi_router(api_routes: list[BaseRoute]) -> APIRouter:
    router = APIRouter()

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

    @router.get("/openapi.json", include_in_schema=False)
    def openapi() -> JSONResponse:
        return JSONResponse(document())

    return router
