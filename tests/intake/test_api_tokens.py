"""API tokens: shown once, stored as sha256 only, checked on every use, revocable; and the
`intake tokens` commands."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from intake import tokens
from intake.audit_trail import CLI_ACTOR, Actor
from intake.db.audit import AuditEvent
from intake.db.engine import make_engine, session_scope
from intake.db.migrate import upgrade
from tests.conftest import intake


def test_a_token_is_stored_as_its_hash_only(services):
    secret = tokens.create(services.engine, "care-platform", [tokens.REFERRALS_READ], CLI_ACTOR)
    assert secret.startswith("fxi_") and len(secret) > 40
    with services.engine.connect() as connection:
        rows = connection.execute(text("SELECT name, token_hash, scopes FROM api_token")).all()
    assert rows == [
        ("care-platform", hashlib.sha256(secret.encode()).hexdigest(), "referrals:read")
    ]
    with session_scope(services.engine) as session:
        caller = tokens.verify(session, secret)
    assert caller is not None
    assert (caller.name, caller.scopes) == ("care-platform", frozenset({"referrals:read"}))
    with session_scope(services.engine) as session:
        assert tokens.verify(session, secret + "x") is None
        assert tokens.verify(session, hashlib.sha256(secret.encode()).hexdigest()) is None


def test_revocation_is_checked_on_the_next_use(services):
    secret = tokens.create(services.engine, "crm", [tokens.REFERRALS_READ], CLI_ACTOR)
    with session_scope(services.engine) as session:
        assert tokens.verify(session, secret) is not None
    tokens.revoke(services.engine, "crm", CLI_ACTOR)
    with session_scope(services.engine) as session:
        assert tokens.verify(session, secret) is None
    [listed] = tokens.list_tokens(services.engine)
    assert listed.revoked_at is not None and listed.last_used_at is not None


def test_creation_and_revocation_are_audited(services):
    admin = Actor(name="ada", user_id=None)
    tokens.create(services.engine, "crm", [tokens.REFERRALS_READ, tokens.METRICS_READ], admin)
    tokens.revoke(services.engine, "crm", CLI_ACTOR)
    with session_scope(services.engine) as session:
        events = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
        assert [(e.action, e.actor, e.detail) for e in events] == [
            ("token_created", "ada", "crm: referrals:read metrics:read"),
            ("token_revoked", "cli", "crm"),
        ]


@pytest.mark.databases("sqlite")
@pytest.mark.parametrize(
    ("name", "scopes", "message"),
    [
        ("", ["referrals:read"], "token name"),
        ("has space", ["referrals:read"], "token name"),
        ("x" * 81, ["referrals:read"], "token name"),
        ("crm", [], "at least one scope"),
        ("crm", ["referrals:write"], "unknown scope 'referrals:write'"),
    ],
)
def test_bad_names_and_scopes_are_refused(services, name, scopes, message):
    with pytest.raises(tokens.TokenError, match=message):
        tokens.create(services.engine, name, scopes, CLI_ACTOR)
    assert tokens.list_tokens(services.engine) == []


def test_names_are_never_reused(services):
    tokens.create(services.engine, "crm", [tokens.REFERRALS_READ], CLI_ACTOR)
    tokens.revoke(services.engine, "crm", CLI_ACTOR)
    with pytest.raises(tokens.TokenError, match="already exists"):
        tokens.create(services.engine, "crm", [tokens.REFERRALS_READ], CLI_ACTOR)
    with pytest.raises(tokens.TokenError, match="already revoked"):
        tokens.revoke(services.engine, "crm", CLI_ACTOR)
    with pytest.raises(tokens.TokenError, match="no token named 'erp'"):
        tokens.revoke(services.engine, "erp", CLI_ACTOR)


@pytest.mark.databases("sqlite")
def test_the_tokens_commands(intake_env, settings):
    upgrade(make_engine(settings.effective_database_url))
    made = intake(intake_env, "tokens", "add", "care-platform", "--scope", "referrals:read")
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert secret.startswith("fxi_")
    assert "not shown again" in made.stderr

    listed = intake(intake_env, "tokens", "list")
    assert "care-platform" in listed.stdout and "referrals:read" in listed.stdout
    assert secret not in listed.stdout

    again = intake(intake_env, "tokens", "add", "care-platform")
    assert again.returncode == 2
    assert again.stderr.strip() == (
        "error: a token named 'care-platform' already exists (revoked ones too)"
    )
    assert intake(intake_env, "tokens", "revoke", "care-platform").returncode == 0
    engine = make_engine(settings.effective_database_url)
    with session_scope(engine) as session:
        assert tokens.verify(session, secret) is None
