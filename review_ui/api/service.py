"""Liveness and metrics. /health needs no token so that a load balancer can ask; /metrics needs
a token with the metrics:read scope (a Prometheus scrape sends it as a bearer token)."""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from intake import metrics
from intake.tokens import METRICS_READ, Caller
from review_ui.api.auth import require
from review_ui.api.problems import ApiProblem, ProblemRoute, documented
from review_ui.auth import services_of

logger = logging.getLogger(__name__)

router = APIRouter(route_class=ProblemRoute, tags=["service"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    database: Literal["ok"] = "ok"


@router.get(
    "/health",
    response_model=Health,
    summary="Whether the service and its database answer (no token needed)",
    responses={
        200: {"content": {"application/json": {"example": {"status": "ok", "database": "ok"}}}},
        **documented(503),
    },
)
def health(request: Request) -> Health:
    try:
        with services_of(request).engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        logger.warning("health check: database unavailable", extra={"error": type(error).__name__})
        raise ApiProblem(503, "database_unavailable", "the database cannot be reached") from None
    return Health()


@router.get(
    "/metrics",
    response_class=Response,
    summary="Prometheus metrics (no PHI)",
    responses={
        200: {
            "description": "Prometheus text exposition format.",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        **documented(401, 403),
    },
)
def prometheus_metrics(
    request: Request, _caller: Annotated[Caller, Depends(require(METRICS_READ))]
) -> Response:
    services = services_of(request)
    body, content_type = metrics.exposition(
        services.engine, services.settings.worker_dead_after_seconds
    )
    return Response(body, media_type=content_type)
