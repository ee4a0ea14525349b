"""Property-based tests of the whole API from its own OpenAPI document: whatever schemathesis
generates, valid or not, no answer is a 500 and every answer matches the schema."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from intake import tokens
from intake.audit_trail import CLI_ACTOR
from intake.config import Settings
from intake.db.accounts import ApiToken
from intake.db.engine import make_engine, session_scope
from intake.db.models import Status
from intake.services import Services
from intake.store import ContentStore
from review_ui.app import create_app
from tests.review_ui.api import seed

pytestmark = pytest.mark.databases("sqlite")

# The schema and its examples are made when the module is collected: the consumer's secret is
# fixed here and stored for each test below, and each test attaches its own database to the
# app (the one given here is never opened).
SECRET = "fxi_" + secrets.token_urlsafe(32)
app = create_app(
    Services(
        settings=Settings(), engine=make_engine("sqlite://"), store=ContentStore(Path("unused"))
    )
)
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


@schema.auth()
class ConsumerToken:
    """Applied the way schemathesis applies auth, so that the cases it generates without auth
    (to check that auth is enforced) are sent without it."""

    def get(self, case, context) -> str:
        return SECRET

    def set(self, case, data: str, context) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def consumer(services) -> Iterator[None]:
    """Validated referrals 1 to 4, number 5 awaiting review, and the consumer's token."""
    clerk = seed.clerk(services, "clerk1")
    for document_id in seed.add_documents(services, 4):
        seed.validate(services, document_id, clerk)
    seed.add_document(
        services, seed.referral_values(9), b"%PDF-1.4\n% open\n", status=Status.needs_review
    )
    scopes = f"{tokens.REFERRALS_READ} {tokens.METRICS_READ}"
    with session_scope(services.engine) as session:
        session.add(
            ApiToken(name=CLI_ACTOR.name, token_hash=tokens.hash_secret(SECRET), scopes=scopes)
        )
    previous = app.state.services
    app.state.services = services
    yield
    app.state.services = previous


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, consumer):
    case.call_and_validate()
