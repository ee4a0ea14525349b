"""Push for consumers that cannot poll: the outbox folder (one file per validated referral,
written whole). The webhooks are in test_webhooks.py."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import col, select

from intake import delivery, outbox
from intake.db.accounts import Role
from intake.db.audit import AuditEvent
from intake.db.engine import session_scope
from tests.review_ui.api import seed


def _audited(services, action: str) -> list[AuditEvent]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(AuditEvent).where(col(AuditEvent.action) == action)).all())


def test_outbox_gets_one_whole_file_per_validated_referral(services, tmp_path):
    folder = tmp_path / "outbox"
    seed.add_validated(services, 3)
    assert outbox.write_new(services.engine, folder) == 3
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "0000000001-referral-1.json",
        "0000000002-referral-2.json",
        "0000000003-referral-3.json",
    ]
    with session_scope(services.engine) as session:
        served = delivery.one(session, 2)
    written = delivery.ValidatedReferral.model_validate_json(
        (folder / "0000000002-referral-2.json").read_bytes()
    )
    assert written == served
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert outbox.write_new(services.engine, folder) == 0
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before

    seed.add_validated(services, 2, start=3)
    assert outbox.write_new(services.engine, folder) == 2
    assert len(list(folder.iterdir())) == 5  # no temp file left behind
    assert [e.document_id for e in _audited(services, "push_outbox")] == [1, 2, 3, 4, 5]


def test_two_pushers_hand_each_referral_over_once(services, tmp_path):
    folder = tmp_path / "outbox"
    seed.add_validated(services, 40)
    barrier = threading.Barrier(2)

    def pusher() -> int:
        barrier.wait()
        total = 0
        while written := outbox.write_new(services.engine, folder):
            total += written
        return total

    with ThreadPoolExecutor(2) as pool:
        results = [f.result() for f in [pool.submit(pusher) for _ in range(2)]]
    # A pusher that loses the race wrote identical files; only the winner records them.
    assert sum(results) == 40
    assert len(list(folder.iterdir())) == 40
    recorded = [e.document_id for e in _audited(services, "push_outbox")]
    assert len(recorded) == 40
    assert set(recorded) == set(range(1, 41))


def test_a_correction_is_a_new_outbox_file_with_its_version(services, tmp_path):
    folder = tmp_path / "outbox"
    seed.add_validated(services, 2)
    assert outbox.write_new(services.engine, folder) == 2
    supervisor = seed.clerk(services, "sam", Role.supervisor)
    assert seed.correct(services, 1, supervisor, {"member.phone": "5555550199"}) == 4
    assert outbox.write_new(services.engine, folder) == 1
    assert sorted(p.name for p in folder.iterdir()) == [
        "0000000001-referral-1.json",
        "0000000002-referral-2.json",
        "0000000004-referral-1.json",
    ]
    corrected = json.loads((folder / "0000000004-referral-1.json").read_bytes())
    assert (corrected["event"], corrected["version"]) == ("corrected", 2)
    assert corrected["approved"]["member"]["phone"] == "5555550199"
    assert outbox.write_new(services.engine, folder) == 0
