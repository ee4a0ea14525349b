"""Who may call the API, and how it refuses: problem details (OperationOutcomes on the FHIR
route) with a stable code, never a 500 and never a value from the request echoed back."""

from __future__ import annotations

from typing import Any

import pytest

from intake import tokens
from intake.audit_trail import CLI_ACTOR
from intake.db.models import Status
from tests.review_ui.api import seed

pytestmark = pytest.mark.databases("sqlite")

PROBLEM = "application/problem+json"
FHIR = "application/fhir+json"


@pytest.fixture
def validated(services) -> list[int]:
    clerk = seed.clerk(services, "clerk1")
    documents = seed.add_documents(services, 2)
    for document_id in documents:
        seed.validate(services, document_id, clerk)
    return [1, 2]


def _problem(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, Any] = response.json()
    if response.url.path.endswith("/fhir"):
        assert response.headers["content-type"] == FHIR
        assert body["resourceType"] == "OperationOutcome"
        assert body["issue"][0]["details"]["coding"][0]["code"] == code
        return body
    assert response.headers["content-type"] == PROBLEM
    assert body["status"] == status
    assert body["code"] == code
    return body


def test_without_a_token_nothing_but_health(services, api, validated):
    for path in (
        "/api/v1/referrals",
        "/api/v1/referrals/pending",
        "/api/v1/referrals/1",
        "/api/v1/referrals/1/fhir",
        "/api/v1/referrals/1/document",
        "/api/v1/metrics",
    ):
        response = api.get(path)
        _problem(response, 401, "token_missing")
        assert response.headers["www-authenticate"] == "Bearer"
    _problem(api.post("/api/v1/referrals/1/ack"), 401, "token_missing")
    assert api.get("/api/v1/health").json() == {"status": "ok", "database": "ok", "store": "ok"}


def test_a_wrong_or_malformed_token_is_401(services, api, validated):
    for authorization in (
        "Bearer fxi_not-a-token",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "fxi_no-scheme",
        b"Bearer \xe9\xff",
    ):
        response = api.get("/api/v1/referrals", headers={"Authorization": authorization})
        assert response.status_code == 401, authorization
        assert response.json()["code"] in {"token_missing", "token_invalid"}


def test_a_token_without_the_scope_is_403(services, api, validated):
    scraper = seed.token(services, "prometheus", tokens.METRICS_READ)
    consumer = seed.token(services, "crm", tokens.REFERRALS_READ)
    body = _problem(
        api.get("/api/v1/referrals/1", headers=seed.bearer(scraper)), 403, "scope_missing"
    )
    assert "referrals:read" in body["detail"]
    _problem(api.get("/api/v1/metrics", headers=seed.bearer(consumer)), 403, "scope_missing")
    metrics = api.get("/api/v1/metrics", headers=seed.bearer(scraper))
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert 'intake_documents{status="validated"} 2.0' in metrics.text


def test_a_revoked_token_stops_working_at_once(services, api, validated):
    secret = seed.token(services, "crm")
    assert api.get("/api/v1/referrals/1", headers=seed.bearer(secret)).status_code == 200
    tokens.revoke(services.engine, "crm", CLI_ACTOR)
    _problem(api.get("/api/v1/referrals/1", headers=seed.bearer(secret)), 401, "token_invalid")
    _problem(api.post("/api/v1/referrals/1/ack", headers=seed.bearer(secret)), 401, "token_invalid")


def test_what_the_token_may_not_see_is_404(services, api, validated):
    secret = seed.token(services, "crm")
    awaiting = seed.add_document(services, seed.referral_values(7), b"%PDF-1.4\n% open\n")
    rejected = seed.add_document(
        services, seed.referral_values(8), b"%PDF-1.4\n% no\n", status=Status.rejected
    )
    assert (awaiting, rejected) == (3, 4)
    for referral_id in (3, 4, 999):
        for suffix in ("", "/fhir", "/document"):
            body = _problem(
                api.get(f"/api/v1/referrals/{referral_id}{suffix}", headers=seed.bearer(secret)),
                404,
                "not_found",
            )
            if suffix != "/fhir":
                assert body["instance"] == f"/api/v1/referrals/{referral_id}{suffix}"
        _problem(
            api.post(f"/api/v1/referrals/{referral_id}/ack", headers=seed.bearer(secret)),
            404,
            "not_found",
        )
    listed = api.get("/api/v1/referrals", headers=seed.bearer(secret)).json()
    assert [r["id"] for r in listed["data"]] == [1, 2]


MALFORMED = [
    ("/api/v1/referrals?limit=0", "query.limit"),
    ("/api/v1/referrals?limit=501", "query.limit"),
    ("/api/v1/referrals?limit=ten", "query.limit"),
    ("/api/v1/referrals?after=-1", "query.after"),
    ("/api/v1/referrals?after=99999999999999999999", "query.after"),
    ("/api/v1/referrals?status=rejected", "query.status"),
    ("/api/v1/referrals/pending?after=1.5", "query.after"),
    ("/api/v1/referrals/abc", "path.referral_id"),
    ("/api/v1/referrals/0/fhir", "path.referral_id"),
    ("/api/v1/referrals/3000000000/document", "path.referral_id"),
]


def test_malformed_input_is_a_422_problem(services, api, validated):
    secret = seed.token(services, "crm")
    for path, where in MALFORMED:
        body = _problem(api.get(path, headers=seed.bearer(secret)), 422, "invalid_request")
        if path.endswith("/fhir"):
            # One issue for the error, then one per parameter: "path.referral_id: <reason>".
            invalid = [issue["diagnostics"] for issue in body["issue"][1:]]
            assert [text.split(":")[0] for text in invalid] == [where], path
        else:
            invalid = body["invalid-params"]
            assert [p["name"] for p in invalid] == [where], path
        # The value sent is not repeated back: it could be anything, PHI included.
        assert path.rsplit("=", 1)[-1] not in str(invalid)


def test_a_malformed_ack_is_a_422_problem(services, api, validated):
    secret = seed.token(services, "crm")
    _problem(
        api.post("/api/v1/referrals/x/ack", headers=seed.bearer(secret)), 422, "invalid_request"
    )


def test_unknown_paths_and_methods_are_problems_too(services, api):
    secret = seed.token(services, "crm")
    _problem(api.get("/api/v1/nothing-here", headers=seed.bearer(secret)), 404, "not_found")
    refused = api.delete("/api/v1/referrals", headers=seed.bearer(secret))
    _problem(refused, 405, "method_not_allowed")
    assert refused.headers["allow"] == "GET, HEAD"
