"""Logins and server-side sessions: cookie flags, timeouts, logout, disabling, rate limits."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import col, select

from intake.audit_trail import CLI_ACTOR, Actor, append
from intake.clock import utcnow
from intake.db.accounts import User, UserSession
from intake.db.audit import AuditEvent
from intake.db.engine import session_scope
from intake.users import disable_user, unlock_user
from review_ui.app import create_app
from review_ui.sessions import COOKIE
from review_ui.throttle import (
    FAILED,
    FREE_PER_ACCOUNT_AND_ADDRESS,
    MAX_WAIT,
    REFUSED,
    retry_after,
)
from tests.review_ui.conftest import PASSWORD, log_in, new_client


def _sessions_of(services, username: str) -> list[UserSession]:
    with session_scope(services.engine) as session:
        user = session.exec(select(User).where(col(User.username) == username)).one()
        return list(
            session.exec(select(UserSession).where(col(UserSession.user_id) == user.id)).all()
        )


def _audit(services, action: str) -> list[AuditEvent]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(AuditEvent).where(col(AuditEvent.action) == action)).all())


def test_login_sets_an_httponly_samesite_cookie_holding_an_opaque_id(anonymous, accounts, services):
    response = log_in(anonymous, accounts["clerk"].username)
    assert response.status_code == 303 and response.headers["location"] == "/queue"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(f"{COOKIE}="))
    flags = cookie.lower()
    assert "httponly" in flags and "samesite=strict" in flags and "secure" not in flags
    session_id = anonymous.cookies[COOKIE]
    [stored] = _sessions_of(services, accounts["clerk"].username)
    assert session_id != stored.id_hash and len(stored.id_hash) == 64  # only its hash is kept
    [login] = _audit(services, "login")
    assert (login.actor, login.client_addr) == (accounts["clerk"].username, "testclient")


def test_cookie_is_secure_when_served_over_https(services, accounts):
    secure = dataclasses.replace(
        services, settings=services.settings.model_copy(update={"cookie_secure": True})
    )
    with new_client(create_app(secure)) as client:
        response = log_in(client, accounts["clerk"].username)
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE))
    assert "secure" in cookie.lower()


def test_each_login_gets_a_new_id_and_ends_the_previous_session(anonymous, accounts, services):
    log_in(anonymous, accounts["clerk"].username)
    first = anonymous.cookies[COOKIE]
    log_in(anonymous, accounts["clerk"].username)
    second = anonymous.cookies[COOKIE]
    assert first != second
    assert len(_sessions_of(services, accounts["clerk"].username)) == 1
    anonymous.cookies.set(COOKIE, first)
    assert anonymous.get("/queue").headers["location"] == "/login?next=/queue"


def test_logout_kills_the_session_on_the_server(clerk, services):
    session_id = clerk.client.cookies[COOKIE]
    response = clerk.post("/logout")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert _sessions_of(services, clerk.account.username) == []
    clerk.client.cookies.set(COOKIE, session_id)  # a copy of the old cookie opens nothing
    assert clerk.client.get("/queue").status_code == 303
    assert [e.actor for e in _audit(services, "logout")] == [clerk.account.username]


def _age_session(services, username: str, **columns) -> None:
    with session_scope(services.engine) as session:
        user = session.exec(select(User).where(col(User.username) == username)).one()
        session.execute(
            update(UserSession).where(col(UserSession.user_id) == user.id).values(**columns)
        )


def test_idle_sessions_end(clerk, services):
    idle = timedelta(minutes=services.settings.session_idle_minutes)
    _age_session(
        services, clerk.account.username, last_seen_at=utcnow() - idle + timedelta(seconds=5)
    )
    assert clerk.client.get("/queue").status_code == 200  # just inside the timeout
    _age_session(
        services, clerk.account.username, last_seen_at=utcnow() - idle - timedelta(seconds=5)
    )
    assert clerk.client.get("/queue").headers["location"] == "/login?next=/queue"
    assert _sessions_of(services, clerk.account.username) == []


def test_background_polling_does_not_keep_an_idle_session_alive(clerk, services):
    stale = utcnow() - timedelta(minutes=services.settings.session_idle_minutes - 1)
    _age_session(services, clerk.account.username, last_seen_at=stale)
    polled = clerk.client.post("/queue/rows", headers={"x-csrf-token": clerk.csrf})
    assert polled.status_code == 200
    [row] = _sessions_of(services, clerk.account.username)
    assert row.last_seen_at == stale
    assert clerk.client.get("/queue").status_code == 200  # a real request does count
    [row] = _sessions_of(services, clerk.account.username)
    assert row.last_seen_at > stale


def test_sessions_end_at_their_absolute_lifetime(clerk, services):
    _age_session(services, clerk.account.username, expires_at=utcnow() - timedelta(seconds=1))
    assert clerk.client.get("/queue").headers["location"] == "/login?next=/queue"


def test_disabling_a_user_ends_their_sessions(clerk, services):
    with session_scope(services.engine) as session:
        disable_user(session, clerk.account.username, CLI_ACTOR)
    assert _sessions_of(services, clerk.account.username) == []
    assert clerk.client.get("/queue").headers["location"] == "/login?next=/queue"
    again = log_in(clerk.client, clerk.account.username)
    assert again.status_code == 401
    assert _audit(services, "login_failed")[-1].detail == "account disabled"


def test_failed_logins_are_audited_and_say_nothing_specific(anonymous, accounts, services):
    wrong = log_in(anonymous, accounts["clerk"].username, "not the password")
    unknown = log_in(anonymous, "nobody", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert (
        "Wrong username or password." in wrong.text
        and "Wrong username or password." in unknown.text
    )
    assert COOKIE not in anonymous.cookies
    failures = _audit(services, "login_failed")
    assert [(f.actor, f.detail, f.client_addr) for f in failures] == [
        (accounts["clerk"].username, "wrong password", "testclient"),
        ("nobody", "unknown user", "testclient"),
    ]
    assert failures[0].user_id is not None and failures[1].user_id is None


def _back_date_failures(services, by: timedelta) -> None:
    """As if the failed logins so far happened ``by`` earlier: the waits they earned passed."""
    with session_scope(services.engine) as session:
        for event in session.exec(select(AuditEvent).where(col(AuditEvent.action) == FAILED)):
            event.at -= by
            session.add(event)


def test_failed_logins_make_the_next_wait_longer_and_never_lock_the_account(
    anonymous, accounts, services
):
    username = accounts["clerk"].username
    for _ in range(FREE_PER_ACCOUNT_AND_ADDRESS):
        assert log_in(anonymous, username, "wrong password!").status_code == 401
    # Past the allowance, the next attempt waits a second, even with the right password.
    refused = log_in(anonymous, username)
    assert refused.status_code == 429 and COOKIE not in anonymous.cookies
    wait = int(refused.headers["retry-after"])
    assert wait == 1 and "Try again in 1 second." in refused.text
    assert _audit(services, FAILED)[-1].detail == REFUSED
    # Hammering while refused earns nothing: the wait is not extended.
    for _ in range(10):
        assert log_in(anonymous, username).status_code == 429
    assert int(log_in(anonymous, username).headers["retry-after"]) <= wait
    # Once it has passed, another failure doubles the next wait; then the password gets in.
    _back_date_failures(services, timedelta(seconds=5))
    assert log_in(anonymous, username, "wrong again!").status_code == 401
    assert int(log_in(anonymous, username).headers["retry-after"]) == 2
    _back_date_failures(services, timedelta(seconds=5))
    assert log_in(anonymous, username).status_code == 303
    # Other accounts from the same address were never held up.
    other = accounts["clerk2"].username
    assert log_in(anonymous, other).status_code == 303


def test_each_failure_doubles_the_wait_up_to_fifteen_minutes(services, accounts):
    with session_scope(services.engine) as session:
        for _ in range(FREE_PER_ACCOUNT_AND_ADDRESS + 30):
            append(session, FAILED, Actor("mallory", client_addr="10.0.0.1"), detail="no user")
    with session_scope(services.engine) as session:
        wait = retry_after(session, "mallory", "10.0.0.1", utcnow())
    assert wait is not None and timedelta(minutes=14) < wait <= MAX_WAIT


def test_the_right_password_gets_in_after_twenty_bad_ones_from_another_address(
    app, accounts, services
):
    username = accounts["clerk"].username
    with TestClient(app, client=("198.51.100.7", 50000), follow_redirects=False) as attacker:
        for _ in range(20):
            assert log_in(attacker, username, "guess").status_code in (401, 429)
    with TestClient(app, client=("10.1.2.3", 50000), follow_redirects=False) as clerk:
        assert log_in(clerk, username).status_code == 303


def test_an_admin_unlocks_an_account_at_once(anonymous, accounts, services):
    username = accounts["clerk"].username
    for _ in range(FREE_PER_ACCOUNT_AND_ADDRESS + 3):
        log_in(anonymous, username, "wrong password!")
    assert log_in(anonymous, username).status_code == 429
    with session_scope(services.engine) as session:
        unlock_user(session, username, CLI_ACTOR)
    assert log_in(anonymous, username).status_code == 303
    assert _audit(services, "login_unlocked")[-1].detail == username
