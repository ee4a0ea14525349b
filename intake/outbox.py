"""The outbox folder, for consumers that read files rather than call the API: one JSON file per
validation, the same JSON as GET /api/v1/referrals/{id}. A referral reopened and validated
again is a new file with its own number, ``"event": "corrected"`` and its ``version``: it
replaces the earlier file's values.

Each file is written under a dot-name and renamed into place, so a reader never sees a partial
file; names sort in the order of validation (``0000000017-referral-42.json``). The files are
written before the cursor moves past them: after a crash, the same files are written again,
byte for byte, under the same names.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine

from intake import delivery, push_cursor
from intake.audit_trail import Actor, append
from intake.db.engine import session_scope
from intake.delivery import ValidatedReferral
from intake.files import write_atomically

logger = logging.getLogger(__name__)

ACTOR = Actor(name="outbox")
_BATCH = 100


def file_name(referral: ValidatedReferral) -> str:
    return f"{referral.cursor:010d}-referral-{referral.id}.json"


def write_new(engine: Engine, folder: Path) -> int:
    """Write the referrals validated since the last call; returns how many were handed over."""
    name = push_cursor.name_for("outbox", str(folder.resolve()))
    with session_scope(engine) as session:
        seen = push_cursor.read(session, name)
        page = delivery.validated(session, seen, _BATCH)
    if not page.data:
        return 0
    # Outside any transaction: a slow disk must not hold the database's write lock.
    for referral in page.data:
        write_atomically(folder / file_name(referral), referral.model_dump_json(indent=2).encode())
    with session_scope(engine) as session:
        if not push_cursor.advance(session, name, seen, page.next_cursor):
            # Another process wrote the same files; it records the hand-over.
            session.rollback()
            return 0
        for referral in page.data:
            append(
                session,
                "push_outbox",
                ACTOR,
                document_id=referral.document.id,
                detail=f"referral {referral.id}",
            )
    logger.info("outbox written", extra={"referrals": len(page.data)})
    return len(page.data)
