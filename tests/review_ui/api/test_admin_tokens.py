"""The admin's page: tokens made (secret shown once), listed and revoked in the browser, and
the webhook dead-letter list with "send again"."""

from __future__ import annotations

import re

import httpx
import pytest
from pydantic import SecretStr

from intake import tokens, webhooks
from intake.audit_trail import CLI_ACTOR
from intake.config import WebhookEndpoint
from intake.db.accounts import Role
from intake.db.engine import session_scope
from intake.users import create_user
from tests.review_ui.api import seed
from tests.review_ui.conftest import PASSWORD, Account, logged_in

pytestmark = pytest.mark.databases("sqlite")


@pytest.fixture
def admin(app, services, accounts):
    with session_scope(services.engine) as session:
        create_user(session, "ada", PASSWORD, Role.admin, CLI_ACTOR)
    logged = logged_in(app, Account("ada", Role.admin))
    yield logged
    logged.client.__exit__(None, None, None)


def test_an_admin_makes_sees_and_revokes_tokens(services, admin, api):
    page = admin.post("/admin/tokens", {"name": "care-platform", "scope": "referrals:read"})
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    [secret] = re.findall(r'<code class="secret">(fxi_[^<]+)</code>', page.text)
    assert api.get("/api/v1/referrals", headers=seed.bearer(secret)).status_code == 200

    listing = admin.client.get("/admin/tokens")
    assert "care-platform" in listing.text
    assert secret not in listing.text  # shown once only

    refused = admin.post("/admin/tokens", {"name": "care-platform", "scope": "referrals:read"})
    assert refused.status_code == 422
    assert "already exists" in refused.text

    revoked = admin.post("/admin/tokens/revoke", {"name": "care-platform"})
    assert revoked.status_code == 303
    assert api.get("/api/v1/referrals", headers=seed.bearer(secret)).status_code == 401
    [token] = tokens.list_tokens(services.engine)
    assert token.revoked_at is not None


def test_the_page_is_for_admins_only_and_needs_the_csrf_token(services, admin, supervisor):
    assert supervisor.client.get("/admin/tokens").status_code == 403
    assert supervisor.post(
        "/admin/tokens", {"name": "x", "scope": "referrals:read"}
    ).status_code == (403)
    forged = admin.client.post("/admin/tokens", data={"name": "x", "scope": "referrals:read"})
    assert forged.status_code == 403
    assert tokens.list_tokens(services.engine) == []


def test_dead_letters_are_listed_and_sent_again(services, admin):
    clerk = seed.clerk(services, "clerk9")
    [document_id] = seed.add_documents(services, 1)
    seed.validate(services, document_id, clerk)
    # The discard port: nothing listens.
    endpoint = WebhookEndpoint(
        url="http://127.0.0.1:9/hook", secrets=[SecretStr(webhooks.new_secret())]
    )
    webhooks.enqueue_new(services.engine, endpoint)
    policy = webhooks.Policy(
        max_attempts=1, retry_base_seconds=0, timeout_seconds=2, base_url="http://testserver"
    )
    with httpx.Client() as client:
        webhooks.send_due(services.engine, [endpoint], policy, client)
    [dead] = webhooks.dead_letters(services.engine)

    page = admin.client.get("/admin/tokens")
    assert "connection failed (ConnectError)" in page.text
    assert dead.type == "referral.validated"
    assert "<td>referral.validated</td>" in page.text
    assert "/hook" not in page.text  # the host only: a URL may carry a credential
    again = admin.post("/admin/webhooks/retry", {"delivery_id": str(dead.id)})
    assert again.status_code == 303
    assert webhooks.dead_letters(services.engine) == []
    assert admin.post("/admin/webhooks/retry", {"delivery_id": "abc"}).status_code == 422
