"""waiting on the office for clarification pauses the 24-hour clock

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import intake.db.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("waiting_since", intake.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("paused_seconds", sa.Integer(), nullable=False, server_default="0")
        )
    # Documents already waiting on an office have waited since they were sent back.
    referral = sa.table(
        "referral",
        sa.column("document_id", sa.Integer),
        sa.column("decided_at", intake.db.types.UTCDateTime(timezone=True)),
        sa.column("waiting_since", intake.db.types.UTCDateTime(timezone=True)),
    )
    document = sa.table("document", sa.column("id", sa.Integer), sa.column("status", sa.String))
    waiting = sa.select(document.c.id).where(document.c.status == "needs_clarification")
    op.execute(
        referral.update()
        .where(referral.c.document_id.in_(waiting))
        .values(waiting_since=referral.c.decided_at)
    )


def downgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_column("paused_seconds")
        batch_op.drop_column("waiting_since")
