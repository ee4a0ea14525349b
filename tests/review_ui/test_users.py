"""User accounts (intake.users) and the `intake users` commands."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from intake.audit_trail import CLI_ACTOR
from intake.db.accounts import Role, User
from intake.db.audit import AuditEvent
from intake.db.engine import session_scope
from intake.users import AccountError, check_password, create_user
from tests.conftest import intake


def test_passwords_are_stored_as_argon2id_and_checked(services):
    with session_scope(services.engine) as session:
        user = create_user(session, "Dana", "a long enough secret", Role.clerk, CLI_ACTOR)
        assert user.username == "dana"
        assert user.password_hash.startswith("$argon2id$")
        assert "a long enough secret" not in user.password_hash
        assert check_password(session, "DANA", "a long enough secret").ok
        wrong = check_password(session, "dana", "a long enough secreT")
        assert (wrong.ok, wrong.reason) == (False, "wrong password")
        unknown = check_password(session, "erin", "a long enough secret")
        assert (unknown.ok, unknown.user, unknown.reason) == (False, None, "unknown user")


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("dana", "short", "at least 12 characters"),
        ("d", "a long enough secret", "2 to 80 characters"),
        ("dana smith", "a long enough secret", "letters, digits"),
        ("<b>", "a long enough secret", "letters, digits"),
    ],
)
def test_bad_accounts_are_refused_with_a_reason(services, name, password, message):
    with session_scope(services.engine) as session, pytest.raises(AccountError, match=message):
        create_user(session, name, password, Role.clerk, CLI_ACTOR)


def test_users_add_prints_a_password_once_and_disable_ends_it(services, intake_env):
    added = intake(intake_env, "users", "add", "Bob", "--role", "supervisor")
    assert added.returncode == 0, added.stderr
    [password] = added.stdout.split()
    assert len(password) >= 20
    assert "bob (supervisor) created" in added.stderr and password not in added.stderr
    with session_scope(services.engine) as session:
        assert check_password(session, "bob", password).ok
        assert (
            session.exec(select(User.role).where(col(User.username) == "bob")).one() == "supervisor"
        )

    again = intake(intake_env, "users", "add", "bob", "--role", "clerk")
    assert again.returncode == 2
    assert again.stderr.strip() == "error: user bob already exists"

    disabled = intake(intake_env, "users", "disable", "bob")
    assert disabled.returncode == 0 and "disabled" in disabled.stdout
    with session_scope(services.engine) as session:
        assert check_password(session, "bob", password).reason == "account disabled"
        actions = session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all()
    assert actions == ["user_created", "user_disabled"]

    missing = intake(intake_env, "users", "disable", "nobody")
    assert (missing.returncode, missing.stderr.strip()) == (2, "error: no such user")


def test_users_add_reads_a_password_from_stdin(services, intake_env):
    added = intake(
        intake_env,
        "users",
        "add",
        "carol",
        "--role",
        "clerk",
        "--password-stdin",
        stdin="my own long passphrase\n",
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout == ""
    with session_scope(services.engine) as session:
        assert check_password(session, "carol", "my own long passphrase").ok


def test_bootstrap_makes_the_first_admin_only_once(services, intake_env):
    first = intake(intake_env, "users", "bootstrap")
    assert first.returncode == 0, first.stderr
    words = first.stdout.split()
    password = words[words.index("password") + 1]
    with session_scope(services.engine) as session:
        check = check_password(session, "admin", password)
        assert check.ok and check.user is not None and check.user.role == Role.admin
    second = intake(intake_env, "users", "bootstrap")
    assert second.returncode == 0 and password not in second.stdout
    assert "users exist already" in second.stdout
