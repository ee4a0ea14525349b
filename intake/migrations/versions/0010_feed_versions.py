"""the downstream feed: validations, corrections and status events; acks per version

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import intake.db.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFERRAL = sa.table(
    "referral",
    sa.column("id", sa.Integer),
    sa.column("validated_seq", sa.Integer),
    sa.column("validated_at", intake.db.types.UTCDateTime()),
    sa.column("decided_by_id", sa.Integer),
)


def upgrade() -> None:
    feed_event = op.create_table(
        "feed_event",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", intake.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["referral_id"], ["referral.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("feed_event", schema=None) as batch_op:
        batch_op.create_index("ix_feed_event_referral_seq", ["referral_id", "seq"], unique=False)
    # Each referral validated so far is its version 1, at the place its cursor already had:
    # consumers' cursors and the push targets' keep their meaning.
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            _REFERRAL.c.id,
            _REFERRAL.c.validated_seq,
            _REFERRAL.c.validated_at,
            _REFERRAL.c.decided_by_id,
        ).where(_REFERRAL.c.validated_seq.is_not(None))
    ).all()
    if rows:
        op.bulk_insert(
            feed_event,
            [
                {
                    "seq": seq,
                    "referral_id": referral_id,
                    "event": "validated",
                    "version": 1,
                    "at": validated_at,
                    "user_id": decided_by_id,
                }
                for referral_id, seq, validated_at, decided_by_id in rows
            ],
        )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_column("version")
    with op.batch_alter_table("feed_event", schema=None) as batch_op:
        batch_op.drop_index("ix_feed_event_referral_seq")
    op.drop_table("feed_event")
