"""The referral endpoints. Each read is audited, one row per referral or event served, in the
same transaction as the read: nothing is served without its audit row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel
from sqlmodel import Session

from intake import delivery
from intake.audit_trail import Actor, append
from intake.db.engine import session_scope
from intake.db.feed import FeedEventKind
from intake.delivery import (
    MAX_CURSOR,
    FeedPage,
    ReferralPage,
    StatusEvent,
    ValidatedReferral,
)
from intake.feed import VALIDATIONS
from intake.fhir_ids import StoredIds
from intake.tokens import REFERRALS_READ, Caller
from review_ui.api import examples
from review_ui.api.auth import actor, require
from review_ui.api.negotiation import JSON, negotiate, offering
from review_ui.api.outcome import FHIR_JSON, documented_outcomes
from review_ui.api.problems import documented, not_found
from review_ui.api.routing import ApiRoute, FhirRoute
from review_ui.auth import services_of
from review_ui.fhir import FaxDocument, Validation, build_bundle

router = APIRouter(route_class=ApiRoute, tags=["referrals"])
#: The FHIR endpoint, whose errors are OperationOutcomes.
fhir_router = APIRouter(route_class=FhirRoute, tags=["referrals"])

Reader = Annotated[Caller, Depends(require(REFERRALS_READ))]
ReferralId = Annotated[
    int, Path(ge=1, le=MAX_CURSOR, description="The referral's id.", examples=[1])
]
After = Annotated[
    int,
    Query(
        ge=0,
        le=MAX_CURSOR,
        description="Only what happened after this cursor (an item's `cursor`, or a page's"
        " `next_cursor`). 0 starts from the first.",
        openapi_examples={
            "start": {"summary": "from the beginning", "value": 0},
            "resume": {"summary": "after the item with cursor 1", "value": 1},
        },
    ),
]
Limit = Annotated[
    int,
    Query(
        ge=1,
        le=500,
        description="Page size.",
        openapi_examples={"default": {"summary": "100 a page", "value": 100}},
    ),
]
Events = Annotated[
    list[FeedEventKind] | None,
    Query(
        description="The kinds of event to list (repeat the parameter for several). Default:"
        " `validated` and `corrected`, the referrals themselves; add `reopened`, `rejected`"
        " and `clarification_requested` to follow what else becomes of them, or ask for"
        " `validated` alone to leave corrections out.",
    ),
]

#: What the list serves when the consumer names no events: referrals, never status events,
#: so a consumer written before status events existed reads only what it knows.
DEFAULT_EVENTS = VALIDATIONS


class Acknowledgement(BaseModel):
    referral_id: int
    #: The version acknowledged: the one asked for, else the latest.
    version: int
    #: When this consumer acknowledged it (or a later version); a repeat returns the same time.
    acknowledged_at: AwareDatetime
    already_acknowledged: bool


def _json(model: BaseModel, headers: Mapping[str, str] | None = None) -> Response:
    # Serialized by pydantic in one pass; the route's response_model still documents it.
    return Response(model.model_dump_json(), media_type=JSON, headers=headers)


def _audit(
    session: Session, who: Actor, served: Iterable[ValidatedReferral | StatusEvent], how: str
) -> None:
    for item in served:
        if isinstance(item, ValidatedReferral):
            document_id, detail = item.document.id, f"{how} referral {item.id}"
        else:
            document_id, detail = None, f"{how} {item.event} of referral {item.id}"
        append(session, "api_read", who, document_id=document_id, detail=detail)


def _next_link(
    request: Request, route: str, page: FeedPage | ReferralPage, query: Mapping[str, Any]
) -> dict[str, str]:
    """``Link: <…>; rel="next"`` (RFC 8288) while more pages follow; from the configured
    base URL (never the Host header) and the parameters as validated (never others the
    client sent)."""
    if not page.has_more:
        return {}
    params = urlencode({**query, "after": page.next_cursor}, doseq=True)
    url = f"{services_of(request).settings.base_url}{request.app.url_path_for(route)}?{params}"
    return {"Link": f'<{url}>; rel="next"'}


_LINK_HEADER = {
    "Link": {
        "description": 'The next page, `<URL>; rel="next"`, while `has_more` is true.',
        "schema": {"type": "string"},
    }
}


def _page_responses(example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"content": {JSON: {"example": example}}, "headers": _LINK_HEADER},
        **documented(401, 403, 406, 422, 429),
    }


@router.get(
    "/referrals",
    response_model=FeedPage,
    summary="The feed: validated referrals (and corrections) in order, with status events",
    operation_id="listReferrals",
    dependencies=[offering(JSON)],
    responses=_page_responses(examples.feed_example()),
)
def list_referrals(
    request: Request,
    caller: Reader,
    after: After = 0,
    limit: Limit = 100,
    status: Annotated[
        Literal["validated"],
        Query(description="Only validated referrals are served."),
    ] = "validated",
    events: Events = None,
) -> Response:
    """Cursor pagination over the feed: pass the page's `next_cursor` as `after` for the next
    one (or follow the `Link` header). Stable under concurrent decisions: anything that
    happens later always has a larger cursor than everything already served.

    A referral validated again after a supervisor reopened it comes again, with
    `"event": "corrected"` and its `version` (2, 3...): it replaces the earlier version. Each
    referral is listed at its latest version only."""
    kinds = frozenset(events) if events else DEFAULT_EVENTS
    with session_scope(services_of(request).engine) as session:
        page = delivery.feed(session, after, limit, kinds)
        _audit(session, actor(caller, request), page.data, "list")
    query: dict[str, Any] = {"limit": limit, "status": status}
    if events:
        query["events"] = sorted(kinds)
    return _json(page, _next_link(request, "list_referrals", page, query))


@router.get(
    "/referrals/pending",
    response_model=ReferralPage,
    summary="Validated referrals (or corrections) this consumer has not acknowledged",
    operation_id="listPendingReferrals",
    dependencies=[offering(JSON)],
    responses=_page_responses(examples.page_example()),
)
def pending_referrals(
    request: Request, caller: Reader, after: After = 0, limit: Limit = 100
) -> Response:
    """The oldest validated referrals whose latest version this token has not acknowledged.
    Acknowledge each with POST /referrals/{id}/ack?version=N once it is stored, then ask
    again. A correction of a referral already acknowledged is pending again."""
    with session_scope(services_of(request).engine) as session:
        page = delivery.pending(session, caller.token_id, after, limit)
        _audit(session, actor(caller, request), page.data, "pending")
    return _json(page, _next_link(request, "pending_referrals", page, {"limit": limit}))


@router.get(
    "/referrals/{referral_id}",
    response_model=ValidatedReferral,
    summary="One validated referral, at its latest version",
    operation_id="getReferral",
    dependencies=[offering(JSON)],
    responses={
        200: {"content": {JSON: {"example": examples.referral_example()}}},
        **documented(401, 403, 404, 406, 422, 429),
    },
)
def get_referral(request: Request, caller: Reader, referral_id: ReferralId) -> Response:
    with session_scope(services_of(request).engine) as session:
        referral = delivery.one(session, referral_id)
        if referral is None:
            raise not_found()
        _audit(session, actor(caller, request), [referral], "json")
    return _json(referral)


@router.post(
    "/referrals/{referral_id}/ack",
    response_model=Acknowledgement,
    summary="Acknowledge a referral's version (idempotent)",
    operation_id="acknowledgeReferral",
    dependencies=[offering(JSON)],
    responses={
        200: {
            "content": {
                JSON: {
                    "example": {
                        "referral_id": 1,
                        "version": 1,
                        "acknowledged_at": "2026-03-02T15:31:07Z",
                        "already_acknowledged": False,
                    }
                }
            }
        },
        **documented(401, 403, 404, 406, 422, 429),
    },
)
def acknowledge(
    request: Request,
    caller: Reader,
    referral_id: ReferralId,
    version: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_CURSOR,
            description="The version stored (the `version` of what was read). Without it the"
            " latest is acknowledged, which may be a correction validated since the read.",
        ),
    ] = None,
) -> Acknowledgement:
    """Record that this consumer has the referral's version: it leaves this consumer's
    pending list (until a correction) and no other consumer's. Acknowledging again changes
    nothing and answers the same."""
    with session_scope(services_of(request).engine) as session:
        ack = delivery.acknowledge(session, caller.token_id, referral_id, version)
        if ack is None:
            raise not_found()
        if ack.first:
            append(
                session,
                "api_ack",
                actor(caller, request),
                document_id=ack.document_id,
                detail=f"referral {referral_id} version {ack.version}",
            )
    return Acknowledgement(
        referral_id=ack.referral_id,
        version=ack.version,
        acknowledged_at=ack.acked_at,
        already_acknowledged=not ack.first,
    )


@router.get(
    "/referrals/{referral_id}/document",
    response_class=Response,
    summary="The original fax, as received",
    operation_id="getReferralDocument",
    responses={
        200: {
            "description": "The original bytes, with their media type.",
            "content": {
                media_type: {"schema": {"type": "string", "format": "binary"}}
                for media_type in delivery.EXTENSIONS
            },
        },
        **documented(401, 403, 404, 406, 422, 429),
    },
)
def get_document(request: Request, caller: Reader, referral_id: ReferralId) -> Response:
    context = services_of(request)
    with session_scope(context.engine) as session:
        referral = delivery.one(session, referral_id)
        if referral is None:
            raise not_found()
        media_type = referral.document.media_type or "application/octet-stream"
        negotiate(request, [media_type])
        _audit(session, actor(caller, request), [referral], "document")
        data = context.store.get(referral.document.sha256)
    # The sender's file name may carry PHI; the download is named by the referral id.
    filename = delivery.download_name(referral_id, media_type)
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            # The bytes are the original's, whose hash the store checked on reading.
            "ETag": f'"{referral.document.sha256}"',
        },
    )


#: FHIR's short names for its formats (the `_format` parameter, FHIR R4 §3.1.0.1.10).
_FHIR_FORMATS = {
    "json": FHIR_JSON,
    "xml": "application/fhir+xml",
    "ttl": "application/fhir+turtle",
    "html": "text/html",
}


def fhir_format(
    request: Request,
    format_: Annotated[
        str | None,
        Query(
            alias="_format",
            max_length=100,
            description="FHIR's format override: `json`, `application/json` or"
            " `application/fhir+json` (anything else, e.g. `xml`, is answered 406). It takes"
            " precedence over the Accept header.",
            examples=["json"],
            # What is served; other values are taken and refused with 406, as FHIR asks.
            json_schema_extra={"enum": ["json", JSON, FHIR_JSON]},
        ),
    ] = None,
) -> None:
    """Refuse a format other than FHIR JSON; a FHIR server answers application/json with
    application/fhir+json (FHIR R4 §3.1.0.1.8)."""
    requested = None if format_ is None else _FHIR_FORMATS.get(format_, format_)
    negotiate(request, [FHIR_JSON, JSON], requested)


@fhir_router.get(
    "/referrals/{referral_id}/fhir",
    response_class=Response,
    summary="The referral as a FHIR R4 Bundle",
    operation_id="getReferralFhir",
    dependencies=[Depends(fhir_format)],
    responses={
        200: {
            "description": "A collection Bundle of US Core 6.1 resources: Patient, Practitioner,"
            " Organization, Coverage, a Condition per diagnosis, a DeviceRequest per item, a"
            " ServiceRequest per phase of home-health visits and per other procedure, a"
            " MedicationRequest for an infusion, a DocumentReference to the original fax, and"
            " Provenance of the signature and of the validation. The identifier and every"
            " resource id stay the same on every pull.",
            "content": {
                FHIR_JSON: {
                    "schema": {
                        "type": "object",
                        "required": ["resourceType", "type", "identifier", "timestamp"],
                        "properties": {
                            "resourceType": {"const": "Bundle"},
                            "type": {"const": "collection"},
                            "identifier": {"type": "object"},
                            "timestamp": {"type": "string", "format": "date-time"},
                            "entry": {"type": "array", "items": {"type": "object"}},
                        },
                    },
                    "example": examples.fhir_example(),
                }
            },
        },
        **documented_outcomes(401, 403, 404, 406, 422, 429),
    },
)
def get_fhir(request: Request, caller: Reader, referral_id: ReferralId) -> Response:
    base_url = services_of(request).settings.base_url
    with session_scope(services_of(request).engine) as session:
        referral = delivery.one(session, referral_id)
        if referral is None:
            raise not_found()
        _audit(session, actor(caller, request), [referral], "fhir")
        document = referral.document
        # Built inside the transaction: ids a first pull makes are stored with its audit row.
        bundle = build_bundle(
            referral.approved,
            FaxDocument.served(
                document,
                # The configured base, never the request's Host header (a client may send any).
                base_url + request.app.url_path_for("get_document", referral_id=referral.id),
            ),
            StoredIds(session, referral.id),
            Validation(
                username=referral.review.validated_by,
                at=referral.review.validated_at,
                override_reason=referral.review.note,
                users_system=f"{base_url}/users",
            ),
        )
    return Response(bundle.model_dump_json(), media_type=FHIR_JSON)
