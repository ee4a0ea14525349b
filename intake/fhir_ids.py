"""The ids of a referral's FHIR resources, made once and kept (intake.db.review.FhirResourceId).

Two consumers pulling a new referral's bundle at the same moment may both make an id for one
role: the insert that loses the race is undone alone (a savepoint) and its maker takes the
stored one, so both serve the same bundle.
"""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from intake.db.review import FhirResourceId


class StoredIds:
    """A referral's resource ids, read in one query and made for roles that have none yet,
    inside the caller's transaction."""

    def __init__(self, session: Session, referral_id: int) -> None:
        self._session = session
        self._referral_id = referral_id
        rows = session.exec(
            select(FhirResourceId).where(col(FhirResourceId.referral_id) == referral_id)
        ).all()
        self._ids = {row.role: row.resource_id for row in rows}

    def __call__(self, role: str) -> uuid.UUID:
        if role not in self._ids:
            self._ids[role] = self._make(role)
        return self._ids[role]

    def _make(self, role: str) -> uuid.UUID:
        made = FhirResourceId(referral_id=self._referral_id, role=role, resource_id=uuid.uuid4())
        try:
            with self._session.begin_nested():
                self._session.add(made)
        except IntegrityError:
            stored = self._session.get_one(FhirResourceId, (self._referral_id, role))
            return stored.resource_id
        return made.resource_id
