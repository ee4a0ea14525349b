"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

#: The largest value an Integer column (ids, sequence numbers) holds on PostgreSQL.
MAX_INTEGER = 2**31 - 1


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back an aware datetime, on SQLite as on PostgreSQL.

    SQLite keeps no zone, so without this a value read back would be naive and compare
    wrongly with ``utcnow()``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
