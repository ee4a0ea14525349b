"""The referral endpoints. Each read is audited, one row per referral served, in the same
transaction as the read: a referral is never served without its audit row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel
from sqlmodel import Session

from intake import delivery
from intake.audit_trail import Actor, append
from intake.db.engine import session_scope
from intake.delivery import MAX_CURSOR, ReferralPage, ValidatedReferral
from intake.fhir_ids import StoredIds
from intake.tokens import REFERRALS_READ, Caller
from review_ui.api import examples
from review_ui.api.auth import actor, require
from review_ui.api.problems import ProblemRoute, documented, not_found
from review_ui.auth import services_of
from review_ui.fhir import FaxDocument, Validation, build_bundle

router = APIRouter(route_class=ProblemRoute, tags=["referrals"])

Reader = Annotated[Caller, Depends(require(REFERRALS_READ))]
ReferralId = Annotated[
    int, Path(ge=1, le=MAX_CURSOR, description="The referral's id.", examples=[1])
]
After = Annotated[
    int,
    Query(
        ge=0,
        le=MAX_CURSOR,
        description="Only referrals validated after this cursor (a referral's `cursor`, or a"
        " page's `next_cursor`). 0 starts from the first.",
        openapi_examples={
            "start": {"summary": "from the beginning", "value": 0},
            "resume": {"summary": "after the referral with cursor 1", "value": 1},
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

FHIR_JSON = "application/fhir+json"


class Acknowledgement(BaseModel):
    referral_id: int
    #: When this consumer first acknowledged it; a repeated ack returns the same time.
    acknowledged_at: AwareDatetime
    already_acknowledged: bool


def _json(model: BaseModel) -> Response:
    # Serialized by pydantic in one pass; the route's response_model still documents it.
    return Response(model.model_dump_json(), media_type="application/json")


def _audit(session: Session, who: Actor, served: Iterable[ValidatedReferral], how: str) -> None:
    for referral in served:
        append(
            session,
            "api_read",
            who,
            document_id=referral.document.id,
            detail=f"{how} referral {referral.id}",
        )


def _page_responses() -> dict[int | str, dict[str, Any]]:
    return {
        200: {"content": {"application/json": {"example": examples.page_example()}}},
        **documented(401, 403, 422),
    }


@router.get(
    "/referrals",
    response_model=ReferralPage,
    summary="Validated referrals, in the order they were validated",
    responses=_page_responses(),
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
) -> Response:
    """Cursor pagination over validated referrals: pass the page's `next_cursor` as `after`
    for the next one. Stable under concurrent validation: a referral validated later always
    has a larger cursor than every referral already served."""
    with session_scope(services_of(request).engine) as session:
        page = delivery.validated(session, after, limit)
        _audit(session, actor(caller, request), page.data, "list")
    return _json(page)


@router.get(
    "/referrals/pending",
    response_model=ReferralPage,
    summary="Validated referrals this consumer has not acknowledged",
    responses=_page_responses(),
)
def pending_referrals(
    request: Request, caller: Reader, after: After = 0, limit: Limit = 100
) -> Response:
    """The oldest validated referrals without an acknowledgement from this token. Acknowledge
    each with POST /referrals/{id}/ack once it is stored, then ask again."""
    with session_scope(services_of(request).engine) as session:
        page = delivery.pending(session, caller.token_id, after, limit)
        _audit(session, actor(caller, request), page.data, "pending")
    return _json(page)


@router.get(
    "/referrals/{referral_id}",
    response_model=ValidatedReferral,
    summary="One validated referral",
    responses={
        200: {"content": {"application/json": {"example": examples.referral_example()}}},
        **documented(401, 403, 404, 422),
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
    summary="Acknowledge a referral (idempotent)",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "referral_id": 1,
                        "acknowledged_at": "2026-03-02T15:31:07Z",
                        "already_acknowledged": False,
                    }
                }
            }
        },
        **documented(401, 403, 404, 422),
    },
)
def acknowledge(request: Request, caller: Reader, referral_id: ReferralId) -> Acknowledgement:
    """Record that this consumer has the referral: it leaves this consumer's pending list and
    no other consumer's. Acknowledging again changes nothing and answers the same."""
    with session_scope(services_of(request).engine) as session:
        ack = delivery.acknowledge(session, caller.token_id, referral_id)
        if ack is None:
            raise not_found()
        if ack.first:
            append(
                session,
                "api_ack",
                actor(caller, request),
                document_id=ack.document_id,
                detail=f"referral {referral_id}",
            )
    return Acknowledgement(
        referral_id=ack.referral_id,
        acknowledged_at=ack.acked_at,
        already_acknowledged=not ack.first,
    )


@router.get(
    "/referrals/{referral_id}/document",
    response_class=Response,
    summary="The original fax, as received",
    responses={
        200: {
            "description": "The original bytes, with their media type.",
            "content": {
                media_type: {"schema": {"type": "string", "format": "binary"}}
                for media_type in delivery.EXTENSIONS
            },
        },
        **documented(401, 403, 404, 422),
    },
)
def get_document(request: Request, caller: Reader, referral_id: ReferralId) -> Response:
    context = services_of(request)
    with session_scope(context.engine) as session:
        referral = delivery.one(session, referral_id)
        if referral is None:
            raise not_found()
        _audit(session, actor(caller, request), [referral], "document")
        data = context.store.get(referral.document.sha256)
    media_type = referral.document.media_type or "application/octet-stream"
    # The sender's file name may carry PHI; the download is named by the referral id.
    filename = delivery.download_name(referral_id, media_type)
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/referrals/{referral_id}/fhir",
    response_class=Response,
    summary="The referral as a FHIR R4 Bundle",
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
                    }
                }
            },
        },
        **documented(401, 403, 404, 422),
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
            FaxDocument(
                media_type=document.media_type,
                size_bytes=document.size_bytes,
                pages=document.pages,
                received_at=document.received_at,
                # The configured base, never the request's Host header (a client may send any).
                url=base_url + request.app.url_path_for("get_document", referral_id=referral.id),
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
