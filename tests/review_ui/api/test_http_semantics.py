"""HTTP as downstream clients and their libraries expect it: ETags and 304, HEAD, 406 for a
format not served, OperationOutcomes on the FHIR route, Link headers for the next page, and
named operations in the OpenAPI document."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import col

from intake.db.engine import session_scope
from intake.db.models import ReferralRecord
from tests.review_ui.api import seed

FHIR = "application/fhir+json"
GETS = [
    "/api/v1/referrals",
    "/api/v1/referrals/pending",
    "/api/v1/referrals/1",
    "/api/v1/referrals/1/fhir",
    "/api/v1/referrals/1/document",
    "/api/v1/health",
    "/api/v1/metrics",
    "/api/v1/openapi.json",
]


@pytest.fixture
def headers(services) -> dict[str, str]:
    """Referrals 1 to 3 validated, and a consumer's token that may also read the metrics."""
    clerk = seed.clerk(services, "clara")
    for document_id in seed.add_documents(services, 3):
        seed.validate(services, document_id, clerk)
    return seed.bearer(seed.token(services, "crm", "referrals:read", "metrics:read"))


def _outcome(response, status: int, issue: str, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == FHIR
    body: dict[str, Any] = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["severity"] == "error"
    assert body["issue"][0]["code"] == issue
    assert body["issue"][0]["details"]["coding"][0]["code"] == code
    return body


def test_every_get_has_a_strong_etag_and_if_none_match_gets_304(services, api, headers):
    for path in GETS:
        served = api.get(path, headers=headers)
        assert served.status_code == 200, path
        etag = served.headers["etag"]
        assert etag == f'"{hashlib.sha256(served.content).hexdigest()}"', path
        if path != "/api/v1/health":  # health proves a write each time, and says so each time
            assert api.get(path, headers=headers).headers["etag"] == etag, path
        for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
            cached = api.get(path, headers={**headers, "If-None-Match": sent})
            assert cached.status_code == 304, (path, sent)
            assert cached.content == b""
            assert cached.headers["etag"] == etag
            assert cached.headers["cache-control"] == "no-store"
            assert "content-type" not in cached.headers
        changed = api.get(path, headers={**headers, "If-None-Match": '"other"'})
        assert changed.status_code == 200 and changed.content == served.content
    # The document's ETag is its SHA-256, as the referral's JSON names it.
    referral = api.get("/api/v1/referrals/1", headers=headers).json()
    document = api.get("/api/v1/referrals/1/document", headers=headers)
    assert document.headers["etag"] == f'"{referral["document"]["sha256"]}"'


def test_a_new_validation_changes_the_lists_etag(services, api, headers):
    etag = api.get("/api/v1/referrals", headers=headers).headers["etag"]
    seed.validate(services, seed.add_documents(services, 1, start=3)[0], seed.clerk(services, "bo"))
    fresh = api.get("/api/v1/referrals", headers={**headers, "If-None-Match": etag})
    assert fresh.status_code == 200
    assert [r["id"] for r in fresh.json()["data"]] == [1, 2, 3, 4]
    assert fresh.headers["etag"] != etag


def test_head_answers_as_get_without_the_body(services, api, headers):
    for path in GETS:
        full = api.get(path, headers=headers)
        head = api.head(path, headers=headers)
        assert head.status_code == 200, path
        assert head.content == b""
        for name in ("content-type", "content-length", "cache-control"):
            assert head.headers[name] == full.headers[name], (path, name)
        if path != "/api/v1/health":
            assert head.headers["etag"] == full.headers["etag"]
    assert (
        int(api.head("/api/v1/referrals/1/document", headers=headers).headers["content-length"]) > 0
    )
    refused = api.head("/api/v1/referrals/1")
    assert refused.status_code == 401 and refused.content == b""
    assert refused.headers["content-type"] == "application/problem+json"
    # A POST-only path answers HEAD as it answers GET: 405, naming what it takes.
    post_only = api.head("/api/v1/referrals/1/ack", headers=headers)
    assert (post_only.status_code, post_only.headers["allow"]) == (405, "POST")


@pytest.mark.parametrize(
    ("accept", "served"),
    [
        (None, FHIR),
        ("", FHIR),
        ("*/*", FHIR),
        ("application/json", FHIR),
        ("application/fhir+json", FHIR),
        ("application/fhir+json; fhirVersion=4.0", FHIR),
        ("application/*;q=0.5, text/html", FHIR),
        ("application/fhir+xml", None),
        ("application/xml, text/html", None),
        ("application/fhir+json;q=0, application/json;q=0", None),
        ("not a media type", None),
    ],
)
def test_the_fhir_route_serves_fhir_json_or_406(services, api, headers, accept, served):
    sent = headers if accept is None else {**headers, "Accept": accept}
    response = api.get("/api/v1/referrals/1/fhir", headers=sent)
    if served is None:
        body = _outcome(response, 406, "not-supported", "not_acceptable")
        assert "application/fhir+json" in body["issue"][0]["details"]["text"]
    else:
        assert response.status_code == 200
        assert response.headers["content-type"] == served
        assert response.json()["resourceType"] == "Bundle"


def test_fhir_format_parameter_overrides_accept(services, api, headers):
    xml = {**headers, "Accept": "application/fhir+xml"}
    for value in ("json", "application/json", "application/fhir+json"):
        response = api.get("/api/v1/referrals/1/fhir", params={"_format": value}, headers=xml)
        assert response.status_code == 200, value
        assert response.headers["content-type"] == FHIR
    for value in ("xml", "application/fhir+xml", "ttl", "", " "):
        response = api.get("/api/v1/referrals/1/fhir", params={"_format": value}, headers=headers)
        _outcome(response, 406, "not-supported", "not_acceptable")
    # Repeated, the last one counts (as FastAPI reads a query parameter): found by schemathesis.
    response = api.get("/api/v1/referrals/1/fhir?_format=%C3%9AM&_format=", headers=headers)
    _outcome(response, 406, "not-supported", "not_acceptable")


def test_other_routes_refuse_formats_they_do_not_serve(services, api, headers):
    for path, accept in (
        ("/api/v1/referrals", "text/html"),
        ("/api/v1/referrals/1", "application/xml"),
        ("/api/v1/referrals/1/document", "application/json"),  # a PDF
        ("/api/v1/referrals/1/document", "image/tiff"),
        ("/api/v1/metrics", "application/json"),
        ("/api/v1/health", "text/plain"),
    ):
        response = api.get(path, headers={**headers, "Accept": accept})
        assert response.status_code == 406, (path, accept)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "not_acceptable"
    for path, accept in (
        ("/api/v1/referrals", "application/json"),
        ("/api/v1/referrals/1/document", "application/pdf"),
        ("/api/v1/referrals/1/document", "application/*"),
        ("/api/v1/metrics", "text/plain;version=0.0.4;q=0.2,*/*;q=0.1"),
    ):
        assert api.get(path, headers={**headers, "Accept": accept}).status_code == 200


def test_fhir_errors_are_operation_outcomes(services, api, headers):
    scraper = seed.bearer(seed.token(services, "prometheus", "metrics:read"))
    path = "/api/v1/referrals/1/fhir"
    _outcome(api.get(path), 401, "login", "token_missing")
    _outcome(
        api.get(path, headers={"Authorization": "Bearer fxi_nope"}), 401, "login", "token_invalid"
    )
    _outcome(api.get(path, headers=scraper), 403, "forbidden", "scope_missing")
    _outcome(api.get("/api/v1/referrals/99/fhir", headers=headers), 404, "not-found", "not_found")
    invalid = _outcome(
        api.get("/api/v1/referrals/0/fhir", headers=headers), 422, "invalid", "invalid_request"
    )
    assert invalid["issue"][1]["diagnostics"].startswith("path.referral_id:")
    refused = api.post(path, headers=headers)
    _outcome(refused, 405, "not-supported", "method_not_allowed")
    assert refused.headers["allow"] == "GET, HEAD"
    # A reading the database holds that no longer fits the contract: a server error, as FHIR.
    with session_scope(services.engine) as session:
        session.execute(
            update(ReferralRecord)
            .where(col(ReferralRecord.id) == 1)
            .values(extracted={"member": "Smith-Unparsed"})
        )
    broken = _outcome(api.get(path, headers=headers), 500, "exception", "internal_error")
    assert "Smith" not in str(broken)
    # The other routes keep problem details for the same error.
    plain = api.get("/api/v1/referrals/1", headers=headers)
    assert (plain.status_code, plain.headers["content-type"]) == (500, "application/problem+json")


def test_link_headers_lead_through_every_page(services, api, headers):
    clerk = seed.clerk(services, "bo")
    for document_id in seed.add_documents(services, 2, start=3):
        seed.validate(services, document_id, clerk)
    base = services.settings.base_url
    url: str | None = "/api/v1/referrals?limit=2&events=validated&events=rejected"
    seen: list[int] = []
    links: list[str] = []
    while url is not None:
        response = api.get(url.removeprefix(base), headers={**headers, "Host": "evil.example"})
        page = response.json()
        seen += [item["id"] for item in page["data"]]
        link = response.headers.get("link")
        assert (link is not None) == page["has_more"]
        match = re.fullmatch(r'<([^>]+)>; rel="next"', link or "")
        url = match.group(1) if match else None
        if url is not None:
            links.append(url)
    assert seen == [1, 2, 3, 4, 5]
    assert links == [
        f"{base}/api/v1/referrals?limit=2&status=validated&events=rejected&events=validated&after=2",
        f"{base}/api/v1/referrals?limit=2&status=validated&events=rejected&events=validated&after=4",
    ]
    pending = api.get("/api/v1/referrals/pending?limit=3", headers=headers)
    assert (
        pending.headers["link"] == f'<{base}/api/v1/referrals/pending?limit=3&after=3>; rel="next"'
    )
    # Parameters the API does not take are never copied into a link.
    extra = api.get("/api/v1/referrals?limit=1&name=Smith", headers=headers)
    assert "Smith" not in extra.headers["link"]


@pytest.mark.databases("sqlite")
def test_every_operation_has_a_unique_name_and_the_fhir_answer_is_documented(services, api):
    document = api.get("/api/v1/openapi.json").json()
    operations = {
        (method, path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    ids = [operation.get("operationId") for operation in operations.values()]
    assert sorted(ids) == [
        "acknowledgeReferral",
        "getHealth",
        "getMetrics",
        "getReferral",
        "getReferralDocument",
        "getReferralFhir",
        "listPendingReferrals",
        "listReferrals",
    ]
    fhir = operations[("get", "/api/v1/referrals/{referral_id}/fhir")]
    ok = fhir["responses"]["200"]["content"]
    assert list(ok) == [FHIR]
    assert ok[FHIR]["example"]["resourceType"] == "Bundle"
    assert ok[FHIR]["schema"]["properties"]["resourceType"] == {"const": "Bundle"}
    for status in ("401", "403", "404", "406", "422", "429"):
        error = fhir["responses"][status]["content"]
        assert list(error) == [FHIR], status
        assert error[FHIR]["example"]["resourceType"] == "OperationOutcome"
    assert [p["name"] for p in fhir["parameters"] if p["in"] == "query"] == ["_format"]
    listing = operations[("get", "/api/v1/referrals")]
    assert "Link" in listing["responses"]["200"]["headers"]
    kinds = document["components"]["schemas"]["FeedEventKind"]["enum"]
    assert kinds == ["validated", "corrected", "reopened", "rejected", "clarification_requested"]
