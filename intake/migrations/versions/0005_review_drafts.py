"""review drafts: what a clerk typed and has not saved

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 12:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import intake.db.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("updated_at", intake.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "user_id"),
    )
    with op.batch_alter_table("review_draft", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_draft_document_id"), ["document_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("review_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_draft_document_id"))
    op.drop_table("review_draft")
