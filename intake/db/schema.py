"""Every table module, imported once so that SQLModel.metadata holds the whole schema
(for Alembic and for the migration check)."""

from intake.db import accounts, audit, models, review

__all__ = ["accounts", "audit", "models", "review"]
