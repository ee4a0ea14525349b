"""The database layer. Importing it registers every table on SQLModel.metadata, so foreign
keys between table modules always resolve and Alembic sees the whole schema."""

from intake.db import accounts, audit, feed, models, push, review

__all__ = ["accounts", "audit", "feed", "models", "push", "review"]
