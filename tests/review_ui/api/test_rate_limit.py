"""Per-token rate limits over real HTTP (uvicorn): advertised on every answer, refused with 429
and Retry-After past the limit, counted per token, and refused before any work is done."""

from __future__ import annotations

import re
from dataclasses import replace

import httpx
import limits
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from intake.config import DEFAULT_API_RATE_LIMIT, ConfigError, load_settings
from intake.db.audit import AuditEvent
from intake.db.engine import session_scope
from review_ui.app import create_app
from tests.review_ui.api import seed
from tests.review_ui.api.serving import serving

LIMIT = 5


def _remaining(response: httpx.Response) -> int:
    assert response.headers["ratelimit-policy"] == f'"api";q={LIMIT};w=60'
    match = re.fullmatch(r'"api";r=(\d+);t=(\d+)', response.headers["ratelimit"])
    assert match, response.headers["ratelimit"]
    assert 0 <= int(match.group(2)) <= 60
    return int(match.group(1))


def _reads(services) -> int:
    with session_scope(services.engine) as session:
        count = session.execute(
            select(func.count()).select_from(AuditEvent).where(col(AuditEvent.action) == "api_read")
        ).scalar_one()
    return int(count)


def test_a_token_over_its_limit_gets_429_with_retry_after(services):
    clerk = seed.clerk(services, "clara")
    [document_id] = seed.add_documents(services, 1)
    seed.validate(services, document_id, clerk)
    crm = seed.bearer(seed.token(services, "crm"))
    payer = seed.bearer(seed.token(services, "payer"))
    limited = replace(
        services,
        settings=services.settings.model_copy(update={"api_rate_limit": f"{LIMIT}/minute"}),
    )

    with serving(create_app(limited)) as base, httpx.Client(base_url=base) as client:
        answers = [
            client.get("/api/v1/referrals", headers=crm),
            client.get("/api/v1/referrals/1", headers=crm),
            client.get("/api/v1/referrals/99", headers=crm),  # a 404 counts and says so too
            client.head("/api/v1/referrals/1/fhir", headers=crm),
            client.post("/api/v1/referrals/1/ack", headers=crm),
        ]
        assert [a.status_code for a in answers] == [200, 200, 404, 200, 200]
        assert [_remaining(a) for a in answers] == [4, 3, 2, 1, 0]
        reads = _reads(services)

        refused = client.get("/api/v1/referrals/1", headers=crm)
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert _remaining(refused) == 0
        # Refused before the referral was read: nothing served, nothing audited.
        assert _reads(services) == reads
        fhir = client.get("/api/v1/referrals/1/fhir", headers=crm)
        assert fhir.status_code == 429
        assert fhir.headers["content-type"] == "application/fhir+json"
        assert fhir.json()["issue"][0]["code"] == "throttled"
        assert "retry-after" in fhir.headers

        # Another token has its own quota.
        other = client.get("/api/v1/referrals/1", headers=payer)
        assert other.status_code == 200
        assert _remaining(other) == LIMIT - 1
        # Requests without a valid token are counted by client address, apart from tokens.
        health = client.get("/api/v1/health")
        assert health.status_code == 200 and _remaining(health) == LIMIT - 1
        unknown = client.get("/api/v1/referrals", headers={"Authorization": "Bearer fxi_nope"})
        assert unknown.status_code == 401 and _remaining(unknown) == LIMIT - 2


@pytest.mark.databases("sqlite")
def test_the_limit_is_a_setting_checked_at_start(monkeypatch):
    for malformed in ("lots", "5/minute;100/hour"):
        monkeypatch.setenv("INTAKE_API_RATE_LIMIT", malformed)
        with pytest.raises(ConfigError, match="INTAKE_API_RATE_LIMIT"):
            load_settings()
    monkeypatch.setenv("INTAKE_API_RATE_LIMIT", "20/second")
    rate = load_settings().api_rate
    assert (rate.amount, rate.get_expiry()) == (20, 1)
    # The default is taken without parsing it; it is one rate all the same.
    assert len(limits.parse_many(DEFAULT_API_RATE_LIMIT)) == 1
