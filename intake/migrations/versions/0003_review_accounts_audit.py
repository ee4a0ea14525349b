"""review, accounts, audit and delivery tables

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 13:07:49.168782
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import intake.db.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    counter = op.create_table(
        "counter",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.bulk_insert(counter, [{"name": "validated", "value": 0}])
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", intake.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_user_username"), ["username"], unique=True)

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("created_at", intake.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", intake.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", intake.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_name"), ["name"], unique=True)
        batch_op.create_index(batch_op.f("ix_api_token_token_hash"), ["token_hash"], unique=True)

    op.create_table(
        "user_session",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("client_addr", sa.String(length=64), nullable=True),
        sa.Column("created_at", intake.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", intake.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", intake.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", intake.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("client_addr", sa.String(length=64), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=120), nullable=True),
        sa.Column("old_value", sa.JSON(), nullable=True),
        sa.Column("new_value", sa.JSON(), nullable=True),
        sa.Column("detail", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_token.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_event_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_event_user_id"), ["user_id"], unique=False)

    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("acked_at", intake.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_token.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_id", "referral_id"),
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_referral_id"), ["referral_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delivery_token_id"), ["token_id"], unique=False)

    op.create_table(
        "referral_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", intake.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("referral_id", "number"),
    )
    with op.batch_alter_table("referral_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_version_referral_id"), ["referral_id"], unique=False
        )

    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("member_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("member_dob", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("member_id", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("clinician_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("review_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "review_expires_at", intake.db.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("decision_reason", sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column("decided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("decided_at", intake.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("validated_seq", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("validated_at", intake.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_referral_member_dob"), ["member_dob"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_member_name"), ["member_name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_referral_validated_at"), ["validated_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_referral_validated_seq"), ["validated_seq"], unique=True
        )
        batch_op.create_foreign_key(
            "fk_referral_decided_by_id", "app_user", ["decided_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            "fk_referral_review_user_id", "app_user", ["review_user_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_constraint("fk_referral_review_user_id", type_="foreignkey")
        batch_op.drop_constraint("fk_referral_decided_by_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_referral_validated_seq"))
        batch_op.drop_index(batch_op.f("ix_referral_validated_at"))
        batch_op.drop_index(batch_op.f("ix_referral_member_name"))
        batch_op.drop_index(batch_op.f("ix_referral_member_id"))
        batch_op.drop_index(batch_op.f("ix_referral_member_dob"))
        batch_op.drop_column("validated_at")
        batch_op.drop_column("validated_seq")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by_id")
        batch_op.drop_column("decision_reason")
        batch_op.drop_column("review_expires_at")
        batch_op.drop_column("review_user_id")
        batch_op.drop_column("clinician_name")
        batch_op.drop_column("member_id")
        batch_op.drop_column("member_dob")
        batch_op.drop_column("member_name")
        batch_op.drop_column("approved")

    with op.batch_alter_table("referral_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_version_referral_id"))

    op.drop_table("referral_version")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_token_id"))
        batch_op.drop_index(batch_op.f("ix_delivery_referral_id"))

    op.drop_table("delivery")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_document_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_user_id"))

    op.drop_table("user_session")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_token_hash"))
        batch_op.drop_index(batch_op.f("ix_api_token_name"))

    op.drop_table("api_token")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_user_username"))

    op.drop_table("app_user")
    op.drop_table("counter")
