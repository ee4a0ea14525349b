"""webhook deliveries per feed event: corrections and status events, not just first validations

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-09 10:00:00
"""

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import intake.db.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DELIVERY = sa.table(
    "webhook_delivery",
    sa.column("endpoint", sa.String),
    sa.column("referral_id", sa.Integer),
    sa.column("feed_seq", sa.Integer),
    sa.column("status", sa.String),
    sa.column("attempts", sa.Integer),
    sa.column("next_attempt_at", intake.db.types.UTCDateTime()),
    sa.column("created_at", intake.db.types.UTCDateTime()),
)
_REFERRAL = sa.table(
    "referral", sa.column("id", sa.Integer), sa.column("validated_seq", sa.Integer)
)
_FEED = sa.table(
    "feed_event",
    sa.column("seq", sa.Integer),
    sa.column("referral_id", sa.Integer),
    sa.column("event", sa.String),
)
_CURSOR = sa.table(
    "push_cursor", sa.column("name", sa.String), sa.column("validated_seq", sa.Integer)
)

_UNIQUE = "uq_webhook_delivery_endpoint_feed_seq"
_OLD_UNIQUE = "uq_webhook_delivery_endpoint_referral_id"
_FOREIGN_KEY = "fk_webhook_delivery_feed_seq"
#: SQLite keeps 0004's unique constraint unnamed; a batch names it by this to drop it.
_NAMING = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}
#: The referral's first validation, whose number it kept (0010 made it that feed event).
_FIRST_VALIDATION = (
    sa.select(_REFERRAL.c.validated_seq)
    .where(_REFERRAL.c.id == _DELIVERY.c.referral_id)
    .scalar_subquery()
)


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feed_seq", sa.Integer(), nullable=True))
    # Every delivery so far, pending, dead or made, was of a first validation: made ones are
    # not made again, and pending ones keep their ids, so their webhook-id.
    bind.execute(sa.update(_DELIVERY).values(feed_seq=_FIRST_VALIDATION))
    with op.batch_alter_table("webhook_delivery", naming_convention=_NAMING) as batch_op:
        batch_op.alter_column("feed_seq", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(_old_unique(bind), type_="unique")
        batch_op.create_unique_constraint(_UNIQUE, ["endpoint", "feed_seq"])
        batch_op.create_foreign_key(_FOREIGN_KEY, "feed_event", ["feed_seq"], ["seq"])
    _queue_missed_corrections(bind)


def _old_unique(bind: sa.Connection) -> str:
    for constraint in sa.inspect(bind).get_unique_constraints("webhook_delivery"):
        if constraint["column_names"] == ["endpoint", "referral_id"] and constraint["name"]:
            return constraint["name"]
    return _OLD_UNIQUE  # unnamed: _NAMING names it so


def _queue_missed_corrections(bind: sa.Connection) -> None:
    """Corrections made under 0010, when webhooks followed first validations only, lie at or
    below the endpoints' cursors, where the new enqueue never looks: queue them, as it would
    have. (Status events were not asked for then: none are queued.) An endpoint's cursor moved
    only with a delivery, so each endpoint with a cursor has a delivery that names its URL."""
    now = datetime.now(UTC)
    endpoints = bind.execute(sa.select(_DELIVERY.c.endpoint).distinct()).scalars().all()
    for endpoint in endpoints:
        # intake.push_cursor.name_for, as it named the cursor.
        name = f"webhook:{hashlib.sha256(endpoint.encode()).hexdigest()[:32]}"
        cursor = bind.execute(
            sa.select(_CURSOR.c.validated_seq).where(_CURSOR.c.name == name)
        ).scalar_one_or_none()
        corrections = bind.execute(
            sa.select(_FEED.c.seq, _FEED.c.referral_id)
            .where(_FEED.c.event == "corrected", _FEED.c.seq <= (cursor or 0))
            .order_by(_FEED.c.seq)
        ).all()
        if corrections:
            op.bulk_insert(
                _DELIVERY,
                [
                    {
                        "endpoint": endpoint,
                        "referral_id": referral_id,
                        "feed_seq": seq,
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                    }
                    for seq, referral_id in corrections
                ],
            )


def downgrade() -> None:
    # One delivery per referral and endpoint again: those of its first validation stay.
    op.get_bind().execute(
        sa.delete(_DELIVERY).where(_DELIVERY.c.feed_seq != sa.func.coalesce(_FIRST_VALIDATION, 0))
    )
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_constraint(_UNIQUE, type_="unique")
        batch_op.drop_constraint(_FOREIGN_KEY, type_="foreignkey")
        batch_op.drop_column("feed_seq")
        batch_op.create_unique_constraint(_OLD_UNIQUE, ["endpoint", "referral_id"])
