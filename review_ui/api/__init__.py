"""The downstream API under /api/v1 (being built for the downstream-API issue)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1")
