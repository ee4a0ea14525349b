"""flag_count counts the values that fail a rule, not every flag

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 12:50:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The flag codes of a value failing a rule, as of this revision (the migration keeps its own
#: copy: the application's list may change after it).
_FAILING = {
    "npi_checksum",
    "icd10_unknown",
    "icd10_not_billable",
    "hcpcs_unknown",
    "date_implausible",
}

_REFERRAL = sa.table(
    "referral",
    sa.column("id", sa.Integer),
    sa.column("extracted", sa.JSON),
    sa.column("approved", sa.JSON),
    sa.column("flag_count", sa.Integer),
)


def _recount(count: Any) -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_REFERRAL.c.id, _REFERRAL.c.extracted, _REFERRAL.c.approved)
    ).all()
    for row_id, extracted, approved in rows:
        values = approved if approved is not None else extracted
        flags = (values or {}).get("flags") or []
        bind.execute(
            _REFERRAL.update().where(_REFERRAL.c.id == row_id).values(flag_count=count(flags))
        )


def upgrade() -> None:
    _recount(lambda flags: len({f["field"] for f in flags if f.get("code") in _FAILING}))


def downgrade() -> None:
    _recount(len)
