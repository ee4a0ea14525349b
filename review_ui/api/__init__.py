"""The downstream API under /api/v1: validated referrals as JSON and FHIR R4, per-consumer
delivery, health and metrics, and its OpenAPI document."""

from fastapi import APIRouter, Depends

from review_ui.api import referrals, service
from review_ui.api.openapi import openapi_router
from review_ui.api.rate_limit import limit_rate

#: Every request is counted against its token's rate limit first, before any other work.
router = APIRouter(prefix="/api/v1", dependencies=[Depends(limit_rate)])
router.include_router(referrals.router)
router.include_router(referrals.fhir_router)
router.include_router(service.router)
router.include_router(openapi_router(router.routes))

__all__ = ["router"]
