"""The order of the downstream feed (validations, corrections, status events): the API's
cursor follows it."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from intake.db.review import Counter

#: The counter's name from when it numbered validations only: the numbers it gave then are
#: the feed's first events, so it keeps the name.
_VALIDATED = "validated"


def next_validated_seq(session: Session) -> int:
    """The next number in the feed, taken inside the caller's transaction.

    The UPDATE locks the counter row until that transaction ends, so events commit in the
    order of their numbers on SQLite and PostgreSQL alike: a consumer that has read up to
    number n never sees a smaller number appear later. Call it last, just before commit, to
    hold the lock briefly.
    """
    value = session.execute(
        update(Counter)
        .where(col(Counter.name) == _VALIDATED)
        .values(value=Counter.value + 1)
        .returning(col(Counter.value))
    ).scalar_one()
    return int(value)
