"""referral table

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 11:30:06.553675
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import intake.db.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("referral_type", sa.String(length=20), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("due_by", intake.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("missing_count", sa.Integer(), nullable=False),
        sa.Column("flag_count", sa.Integer(), nullable=False),
        sa.Column("extracted", sa.JSON(), nullable=False),
        sa.Column("extracted_at", intake.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_document_id"), ["document_id"], unique=True)
        batch_op.create_index(batch_op.f("ix_referral_due_by"), ["due_by"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_referral_referral_type"), ["referral_type"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referral_urgent"), ["urgent"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_urgent"))
        batch_op.drop_index(batch_op.f("ix_referral_referral_type"))
        batch_op.drop_index(batch_op.f("ix_referral_due_by"))
        batch_op.drop_index(batch_op.f("ix_referral_document_id"))

    op.drop_table("referral")
