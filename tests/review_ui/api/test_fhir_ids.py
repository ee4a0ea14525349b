"""A referral's FHIR resource ids are random and stored: every pull serves the same bundle,
two referrals share no id, and two consumers racing on a new referral get the same ids."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlmodel import col, select

from intake.db.engine import session_scope
from intake.db.review import FhirResourceId
from intake.fhir_ids import StoredIds
from tests.review_ui.api import seed


def _ids(bundle: dict[str, Any]) -> list[str]:
    return [e["resource"]["id"] for e in bundle["entry"]]


def test_every_pull_serves_the_same_ids_and_referrals_share_none(services, api):
    clerk = seed.clerk(services, "clara")
    for document_id in seed.add_documents(services, 2):
        seed.validate(services, document_id, clerk)
    headers = seed.bearer(seed.token(services, "crm"))

    first = api.get("/api/v1/referrals/1/fhir", headers=headers)
    again = api.get("/api/v1/referrals/1/fhir", headers=headers)
    # The same bytes: the timestamp is the validation's, the ids are the stored ones.
    assert again.content == first.content
    bundle = first.json()
    other = api.get("/api/v1/referrals/2/fhir", headers=headers).json()
    assert set(_ids(bundle)).isdisjoint(_ids(other))
    assert bundle["identifier"] != other["identifier"]
    assert {uuid.UUID(i).version for i in _ids(bundle) + _ids(other)} == {4}

    with session_scope(services.engine) as session:
        stored = session.exec(
            select(FhirResourceId).where(col(FhirResourceId.referral_id) == 1)
        ).all()
    by_role = {row.role: str(row.resource_id) for row in stored}
    # One per resource, the bundle's identifier and the order's group identifier.
    assert len(by_role) == len(bundle["entry"]) + 2
    assert set(_ids(bundle)) == set(by_role.values()) - {by_role["bundle"], by_role["order"]}
    assert bundle["identifier"]["value"] == f"urn:uuid:{by_role['bundle']}"


# SQLite's sessions take the write lock at BEGIN: two pulls there never interleave.
@pytest.mark.databases("postgresql")
def test_a_consumer_that_loses_the_race_for_a_new_id_takes_the_stored_one(services):
    clerk = seed.clerk(services, "clara")
    [document_id] = seed.add_documents(services, 1)
    seed.validate(services, document_id, clerk)
    with session_scope(services.engine) as slow:
        ids = StoredIds(slow, 1)  # read before the other consumer stores the patient's id
        with session_scope(services.engine) as fast:
            won = StoredIds(fast, 1)("patient")
        assert ids("patient") == won
        assert ids("coverage") != won
    with session_scope(services.engine) as session:
        assert StoredIds(session, 1)("patient") == won
