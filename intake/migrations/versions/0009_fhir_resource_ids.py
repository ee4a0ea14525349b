"""the stored, random ids of each referral's FHIR resources

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Ids are made when a referral's bundle is first served: nothing to fill in here.
    op.create_table(
        "fhir_resource_id",
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=60), nullable=False),
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["referral_id"], ["referral.id"]),
        sa.PrimaryKeyConstraint("referral_id", "role"),
        sa.UniqueConstraint("resource_id"),
    )


def downgrade() -> None:
    op.drop_table("fhir_resource_id")
