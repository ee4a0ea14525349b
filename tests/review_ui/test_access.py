"""Every route of the app, enumerated: none answers without a session (the API: without a
token), and none that changes state accepts a request without the session's CSRF token."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import iter_route_contexts

from tests.review_ui.conftest import TEXT_ORDER, process

#: Served without a session on purpose: the login form, and static files (no PHI).
PUBLIC = {("GET", "/login"), ("POST", "/login")}
API_PREFIX = "/api/v1"
#: The API's own public answers: a load balancer's health check and the API description.
API_PUBLIC = {"/api/v1/health", "/api/v1/openapi.json"}
#: Path parameters are ids and names of code kinds only: no PHI ever goes in a URL.
ALLOWED_PATH_PARAMETERS = {"document_id", "page_number", "kind", "referral_id"}


def _routes(app):
    for route in iter_route_contexts(app.routes):
        for method in sorted(route.methods or ()):
            yield method, route.path


def _concrete(path: str, document_id: int) -> str:
    return re.sub(r"\{[^}]+\}", str(document_id), path).replace(
        "/lookup/" + str(document_id), "/lookup/icd10"
    )


def test_every_route_is_enumerated_and_covered(app):
    routes = set(_routes(app))
    ui = {(m, p) for m, p in routes if not p.startswith(API_PREFIX)}
    # The enumeration sees the pages this issue is about; a route added later is covered too.
    assert {("GET", "/queue"), ("GET", "/documents/{document_id}"), ("GET", "/dashboard")} <= ui
    assert len(ui) >= 20


def test_without_a_session_every_ui_route_redirects_or_refuses(app, anonymous, services):
    [document_id] = process(services, TEXT_ORDER)
    checked = 0
    for method, path in _routes(app):
        if (method, path) in PUBLIC or path.startswith(API_PREFIX):
            continue
        response = anonymous.request(method, _concrete(path, document_id))
        if method == "GET":
            # To the login page, which leads back to the page asked for (by its path only).
            assert response.status_code == 303, (method, path)
            location = response.headers["location"]
            assert location in ("/login", f"/login?next={response.request.url.path}"), path
        else:
            assert response.status_code == 401, (method, path)
            assert response.headers["hx-redirect"] == "/login"
        assert "Kim" not in response.text  # the document's member name
        checked += 1
    assert checked >= 18


def test_api_routes_need_a_bearer_token_not_a_session(app, anonymous, clerk):
    api = [(m, p) for m, p in _routes(app) if p.startswith(API_PREFIX) and p not in API_PUBLIC]
    assert api, "the API router is included"
    for method, path in api:
        for client in (anonymous, clerk.client):  # a browser session is no API credential
            response = client.request(method, _concrete(path, 1))
            assert response.status_code == 401, (method, path)
            assert "location" not in response.headers


def test_state_changing_routes_refuse_a_request_without_the_csrf_token(app, clerk, services):
    [document_id] = process(services, TEXT_ORDER)
    unsafe = [(m, p) for m, p in _routes(app) if m not in ("GET", "HEAD")]
    checked = 0
    for method, path in unsafe:
        if (method, path) in PUBLIC or path.startswith(API_PREFIX):
            continue
        url = _concrete(path, document_id)
        forged = clerk.client.request(method, url, data={"member.last_name": "Forged"})
        assert forged.status_code == 403, (method, path)
        wrong = clerk.client.request(method, url, data={"_csrf": "not-the-token"})
        assert wrong.status_code == 403, (method, path)
        checked += 1
    assert checked >= 10
    page = clerk.client.get(f"/documents/{document_id}")
    assert "Forged" not in page.text and 'value="Kim"' in page.text


def test_login_form_needs_its_own_csrf_token(anonymous, accounts):
    response = anonymous.post(
        "/login", data={"username": accounts["clerk"].username, "password": "x" * 20}
    )
    assert response.status_code == 403
    assert "intake_session" not in response.cookies


@pytest.mark.parametrize("path", ["/static/htmx.min.js", "/static/app.js", "/static/app.css"])
def test_static_files_are_served_without_a_session(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("cache-control", "")


def test_path_parameters_are_ids_only(app):
    for route in iter_route_contexts(app.routes):
        names = set(re.findall(r"\{([^}:]+)", route.path or ""))
        assert names <= ALLOWED_PATH_PARAMETERS, route.path


def test_interactive_docs_are_not_served(anonymous):
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert anonymous.get(path).status_code in (303, 404)
