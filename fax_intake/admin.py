"""The administration commands: the schema, API tokens and user accounts."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table

from fax_intake import wiring
from intake import tokens, webhooks
from intake.access import Role
from intake.audit_trail import CLI_ACTOR
from intake.db.engine import make_engine, session_scope
from intake.db.migrate import upgrade
from intake.users import create_first_admin, create_user, disable_user, random_password, unlock_user

out = Console(soft_wrap=True)
err = Console(stderr=True)


def db_upgrade() -> None:
    settings = wiring.settings()
    upgrade(make_engine(settings.effective_database_url))
    out.print("database schema is current")


def tokens_add(name: str, scopes: list[str]) -> None:
    secret = tokens.create(wiring.services().engine, name, scopes, CLI_ACTOR)
    print(secret)
    err.print(f"token {name!r} made; store the secret now, it is not shown again")


def tokens_revoke(name: str) -> None:
    tokens.revoke(wiring.services().engine, name, CLI_ACTOR)
    out.print(f"token {name!r} revoked")


def tokens_list() -> None:
    table = Table("name", "scopes", "created", "last used", "revoked")
    for token in tokens.list_tokens(wiring.services().engine):
        table.add_row(
            token.name,
            " ".join(token.scopes),
            f"{token.created_at:%Y-%m-%d %H:%M}",
            f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "",
            f"{token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "",
        )
    out.print(table)


def webhooks_new_secret() -> None:
    # Reads no settings: an operator makes the secret before configuring the endpoint.
    print(webhooks.new_secret())


def users_add(name: str, role: Role, password_stdin: bool) -> None:
    services = wiring.services()
    password = sys.stdin.readline().rstrip("\n") if password_stdin else random_password()
    with session_scope(services.engine) as session:
        user = create_user(session, name, password, role, CLI_ACTOR)
    if not password_stdin:
        print(password)
    err.print(f"user {user.username} ({user.role}) created")


def users_disable(name: str) -> None:
    with session_scope(wiring.services().engine) as session:
        user = disable_user(session, name, CLI_ACTOR)
    out.print(f"user {user.username} disabled; their sessions are ended")


def users_unlock(name: str) -> None:
    with session_scope(wiring.services().engine) as session:
        user = unlock_user(session, name, CLI_ACTOR)
    out.print(f"user {user.username} may log in again now")


def users_bootstrap() -> None:
    with session_scope(wiring.services().engine) as session:
        created = create_first_admin(session, CLI_ACTOR)
    if created is None:
        out.print("users exist already; nothing to do")
        return
    user, password = created
    # Printed, never logged: the terminal is the only place it appears.
    print(f"first admin created: username {user.username}  password {password}")
    print("This password is shown once. Log in and keep it somewhere safe.")
