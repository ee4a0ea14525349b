"""Liveness and metrics. /health needs no token so that a load balancer can ask; /metrics needs
a token with the metrics:read scope (a Prometheus scrape sends it as a bearer token)."""

from __future__ import annotations

import errno
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import insert
from sqlalchemy.exc import SQLAlchemyError

from intake import metrics
from intake.db.review import Counter
from intake.tokens import METRICS_READ, Caller
from review_ui.api.auth import require
from review_ui.api.negotiation import JSON, offering
from review_ui.api.problems import ApiProblem, documented
from review_ui.api.routing import ApiRoute
from review_ui.auth import services_of

logger = logging.getLogger(__name__)

router = APIRouter(route_class=ApiRoute, tags=["service"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    database: Literal["ok"] = "ok"
    store: Literal["ok"] = "ok"


@router.get(
    "/health",
    response_model=Health,
    summary="Whether the service can take faxes: its database and store accept writes",
    operation_id="getHealth",
    dependencies=[offering(JSON)],
    responses={
        200: {"content": {JSON: {"example": {"status": "ok", "database": "ok", "store": "ok"}}}},
        **documented(406, 429, 503),
    },
)
def health(request: Request) -> Health:
    """A write proves what a read does not: a read-only database or a full disk answers
    "SELECT 1" and still loses every fax that arrives."""
    services = services_of(request)
    try:
        with services.engine.connect() as connection:
            attempt = connection.begin()
            connection.execute(insert(Counter).values(name=_PROBE, value=0))
            attempt.rollback()
    except SQLAlchemyError as error:
        logger.warning("health check: database not writable", extra={"error": type(error).__name__})
        raise ApiProblem(
            503, "database_unavailable", "the database does not accept writes"
        ) from None
    problem = _store_problem(services.store.root, services.settings.min_free_bytes)
    if problem is not None:
        logger.warning("health check: store not writable", extra={"error": problem})
        raise ApiProblem(503, "store_unavailable", f"the store {problem}")
    return Health()


#: The counter row the health check writes and rolls back: never committed.
_PROBE = "health-check-probe"


def _store_problem(root: Path, min_free_bytes: int) -> str | None:
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=root) as probe:
            probe.write(b"ok")
        free = shutil.disk_usage(root).free
    except OSError as error:
        return f"cannot be written ({errno.errorcode.get(error.errno or 0, 'error')})"
    if free < min_free_bytes:
        return f"has {free // 2**20} MB free, under the {min_free_bytes // 2**20} MB floor"
    return None


@router.get(
    "/metrics",
    response_class=Response,
    summary="Prometheus metrics (no PHI)",
    operation_id="getMetrics",
    dependencies=[offering("text/plain")],
    responses={
        200: {
            "description": "Prometheus text exposition format.",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        **documented(401, 403, 406, 429),
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
