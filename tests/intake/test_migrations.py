"""The migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import column, insert, inspect, table, update
from sqlmodel import Session, SQLModel, col, select

from intake.db import migrate
from intake.db.engine import make_engine
from intake.db.feed import FeedEvent, FeedEventKind
from intake.db.migrate import downgrade, upgrade
from intake.db.models import Document, ReferralRecord
from intake.db.push import PushCursor, WebhookDelivery
from intake.db.types import UTCDateTime
from intake.push_cursor import name_for

_DECIDED = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


def _diff(engine):
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)


def test_migrations_build_exactly_the_models_schema(settings):
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    assert _diff(engine) == []
    engine.dispose()


def test_migrations_go_down_to_nothing_and_up_again(settings):
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert _diff(engine) == []
    engine.dispose()


def test_the_start_up_check_reads_what_alembic_reads(settings):
    engine = make_engine(settings.effective_database_url)
    config = Config()
    config.set_main_option("script_location", str(Path(migrate.__file__).parents[1] / "migrations"))
    assert migrate.head_revisions() == set(ScriptDirectory.from_config(config).get_heads())

    def alembic_current():
        with engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())

    assert migrate.current_revisions(engine) == alembic_current() == set()
    with pytest.raises(migrate.SchemaBehind):
        migrate.require_current(engine)
    upgrade(engine, "0010")
    assert migrate.current_revisions(engine) == alembic_current() == {"0010"}
    with pytest.raises(migrate.SchemaBehind):
        migrate.require_current(engine)
    upgrade(engine)
    assert migrate.current_revisions(engine) == alembic_current() == migrate.head_revisions()
    migrate.require_current(engine)
    engine.dispose()


def _old_referral(engine, **values) -> None:
    """A document, and its referral as an earlier revision stored it: only the columns given
    (the model may have more than that revision had)."""
    with Session(engine) as session:
        document = Document(sha256=secrets.token_hex(32), size_bytes=1, original_name="fax.pdf")
        session.add(document)
        session.commit()
        referral = table("referral", *(column(key) for key in ("document_id", *values)))
        session.execute(insert(referral).values(document_id=document.id, **values))
        session.commit()


def test_the_flag_count_is_recounted_as_values_to_resolve(settings):
    engine = make_engine(settings.effective_database_url)
    upgrade(engine, "0005")
    flags = [
        {"field": "clinician.npi", "code": "npi_checksum", "message": "fails"},
        {"field": "clinician.npi", "code": "low_confidence", "message": "faint"},
        {"field": "member.phone", "code": "low_confidence", "message": "faint"},
        {"field": "dates.order", "code": "date_implausible", "message": "old"},
    ]
    _old_referral(
        engine, referral_type="dme", urgent=False, missing_count=0, flag_count=4,
        extracted=json.dumps({"flags": flags}), extracted_at=_DECIDED,
    )  # fmt: skip
    upgrade(engine, "0006")
    with Session(engine) as session:
        assert session.exec(select(ReferralRecord.flag_count)).one() == 2
    downgrade(engine, "0005")
    with Session(engine) as session:
        assert session.exec(select(ReferralRecord.flag_count)).one() == 4
    engine.dispose()


def test_orders_already_sent_back_wait_since_they_were_sent(settings):
    engine = make_engine(settings.effective_database_url)
    upgrade(engine, "0006")
    _old_referral(
        engine, referral_type="dme", urgent=False, missing_count=1, flag_count=0,
        extracted="{}", extracted_at=_DECIDED, decided_at=_DECIDED,
    )  # fmt: skip
    with engine.begin() as connection:
        connection.execute(
            update(table("document", column("status"))).values(status="needs_clarification")
        )
    upgrade(engine)
    with Session(engine) as session:
        referral = session.exec(select(ReferralRecord)).one()
        assert referral.waiting_since == _DECIDED and referral.paused_seconds == 0
    engine.dispose()


def test_the_fields_missing_when_read_are_counted_from_each_reading(settings):
    engine = make_engine(settings.effective_database_url)
    upgrade(engine, "0007")
    _old_referral(
        engine, referral_type="dme", urgent=False, missing_count=0, flag_count=0,
        paused_seconds=0, extracted=json.dumps({"missing": ["signature", "dates.order"]}),
        extracted_at=_DECIDED,
    )  # fmt: skip
    upgrade(engine)
    with Session(engine) as session:
        assert session.exec(select(ReferralRecord.missing_at_read)).one() == 2
    engine.dispose()


def test_referrals_validated_before_the_feed_are_its_first_events(settings):
    engine = make_engine(settings.effective_database_url)
    upgrade(engine, "0009")
    _old_referral(
        engine, referral_type="dme", urgent=False, missing_count=0, flag_count=0,
        paused_seconds=0, missing_at_read=0, extracted="{}", extracted_at=_DECIDED,
        validated_seq=7, validated_at=_DECIDED,
    )  # fmt: skip
    upgrade(engine)
    with Session(engine) as session:
        events = session.exec(select(FeedEvent)).all()
        # The cursor a consumer held (7) still points just past this referral.
        assert [(e.seq, e.referral_id, e.event, e.version, e.at) for e in events] == [
            (7, 1, FeedEventKind.validated, 1, _DECIDED)
        ]
    downgrade(engine, "0009")
    assert "feed_event" not in inspect(engine).get_table_names()
    engine.dispose()


_HOOK = "https://crm.example.org/hooks/intake"
_OTHER = "https://erp.example.org/hook"


def test_webhook_deliveries_name_their_feed_event_and_missed_corrections_are_queued(settings):
    engine = make_engine(settings.effective_database_url)
    upgrade(engine, "0010")
    for validated_seq in (1, 2, 5):
        _old_referral(
            engine, referral_type="dme", urgent=False, missing_count=0, flag_count=0,
            paused_seconds=0, missing_at_read=0, extracted="{}", extracted_at=_DECIDED,
            validated_seq=validated_seq, validated_at=_DECIDED,
        )  # fmt: skip
    # Under 0010 referral 1 was reopened (3) and corrected (4); webhooks followed first
    # validations only: _HOOK had all three (cursor 5), _OTHER the first two (cursor 2).
    k = FeedEventKind
    feed = [(1, 1, k.validated, 1), (2, 2, k.validated, 1), (3, 1, k.reopened, 1),
            (4, 1, k.corrected, 2), (5, 3, k.validated, 1)]  # fmt: skip
    old_delivery = table(
        "webhook_delivery",
        *(column(name) for name in ("endpoint", "referral_id", "status", "attempts")),
        column("next_attempt_at", UTCDateTime()),
        column("created_at", UTCDateTime()),
    )
    made = [(_HOOK, 1, "delivered"), (_HOOK, 2, "dead"), (_HOOK, 3, "pending"),
            (_OTHER, 1, "delivered"), (_OTHER, 2, "pending")]  # fmt: skip
    with Session(engine) as session:
        session.add_all(
            FeedEvent(seq=seq, referral_id=referral_id, event=kind, version=version, at=_DECIDED)
            for seq, referral_id, kind, version in feed
        )
        session.add(PushCursor(name=name_for("webhook", _HOOK), validated_seq=5))
        session.add(PushCursor(name=name_for("webhook", _OTHER), validated_seq=2))
        session.commit()
        for endpoint, referral_id, status in made:
            session.execute(
                insert(old_delivery).values(
                    endpoint=endpoint, referral_id=referral_id, status=status, attempts=1,
                    next_attempt_at=_DECIDED, created_at=_DECIDED,
                )
            )  # fmt: skip
        session.commit()
    upgrade(engine)
    with Session(engine) as session:
        rows = session.exec(select(WebhookDelivery).order_by(col(WebhookDelivery.id))).all()
        assert [(d.id, d.endpoint, d.referral_id, d.feed_seq, d.status) for d in rows] == [
            (1, _HOOK, 1, 1, "delivered"),
            (2, _HOOK, 2, 2, "dead"),
            (3, _HOOK, 3, 5, "pending"),
            (4, _OTHER, 1, 1, "delivered"),
            (5, _OTHER, 2, 2, "pending"),
            # The correction _HOOK's cursor had passed; _OTHER's enqueue finds it above its own.
            (6, _HOOK, 1, 4, "pending"),
        ]
        # Kept as they were: the webhook-id of a pending one is made from them.
        assert {d.created_at for d in rows[:5]} == {_DECIDED}
    downgrade(engine, "0010")
    with Session(engine) as session:
        ids = session.execute(select(column("id")).select_from(old_delivery)).scalars().all()
        assert sorted(ids) == [1, 2, 3, 4, 5]
    engine.dispose()
