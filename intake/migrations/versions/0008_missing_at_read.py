"""the required fields missing when read, kept apart from the clerk's current count

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFERRAL = sa.table(
    "referral",
    sa.column("id", sa.Integer),
    sa.column("extracted", sa.JSON),
    sa.column("missing_at_read", sa.Integer),
)


def upgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("missing_at_read", sa.Integer(), nullable=False, server_default="0")
        )
    # Counted once here, so the dashboard need not parse every reading's JSON on each view.
    bind = op.get_bind()
    rows = bind.execute(sa.select(_REFERRAL.c.id, _REFERRAL.c.extracted)).all()
    for row_id, extracted in rows:
        missing = len((extracted or {}).get("missing") or [])
        if missing:
            bind.execute(
                _REFERRAL.update().where(_REFERRAL.c.id == row_id).values(missing_at_read=missing)
            )


def downgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_column("missing_at_read")
