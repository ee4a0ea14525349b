"""Delivery state: acknowledgements under concurrency, and referrals that stop being
validated."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select, update
from sqlmodel import col

from intake import delivery
from intake.db.engine import session_scope
from intake.db.models import Document, Status
from intake.db.review import Delivery
from tests.review_ui.api import seed


def test_concurrent_acks_of_one_referral_record_it_once(services):
    clerk = seed.clerk(services, "clara")
    [document_id] = seed.add_documents(services, 1)
    seed.validate(services, document_id, clerk)
    seed.token(services, "crm")
    barrier = threading.Barrier(6)

    def ack() -> delivery.Ack | None:
        barrier.wait()
        with session_scope(services.engine) as session:
            return delivery.acknowledge(session, 1, 1)

    with ThreadPoolExecutor(6) as pool:
        acks = [f.result() for f in [pool.submit(ack) for _ in range(6)]]
    assert all(a is not None for a in acks)
    assert sum(1 for a in acks if a and a.first) == 1
    assert len({a.acked_at for a in acks if a}) == 1
    with services.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Delivery)).scalar_one() == 1


def test_a_reopened_referral_is_not_served_and_the_cursor_moves_past_it(services):
    clerk = seed.clerk(services, "clara")
    for document_id in seed.add_documents(services, 3):
        seed.validate(services, document_id, clerk)
    with session_scope(services.engine) as session:
        session.execute(
            update(Document).where(col(Document.id) == 2).values(status=Status.in_review)
        )
    with session_scope(services.engine) as session:
        first = delivery.validated(session, 0, 2)
        assert [r.id for r in first.data] == [1]
        assert (first.next_cursor, first.has_more) == (2, True)
        rest = delivery.validated(session, first.next_cursor, 2)
        assert [r.id for r in rest.data] == [3]
        assert delivery.one(session, 2) is None
        assert delivery.acknowledge(session, 1, 2) is None
        assert [r.id for r in delivery.pending(session, 1, 0, 10).data] == [1, 3]
