"""The `intake` command: what each command takes and does. Every failure a user can cause
ends in one line and a non-zero exit.

Each command imports its implementation when it runs, never at start: `intake --help` and
`intake status` would otherwise load spaCy, the web app and the FHIR models first (2.4 s).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from intake.access import REFERRALS_READ, SCOPES, Role
from intake.errors import IntakeError

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
app.add_typer(db_app, name="db")
tokens_app = typer.Typer(no_args_is_help=True, help="API tokens of downstream consumers.")
app.add_typer(tokens_app, name="tokens")
users_app = typer.Typer(no_args_is_help=True, help="Accounts of clerks, supervisors and admins.")
app.add_typer(users_app, name="users")
webhooks_app = typer.Typer(no_args_is_help=True, help="Webhook endpoints (INTAKE_WEBHOOKS).")
app.add_typer(webhooks_app, name="webhooks")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the current version."""
    from fax_intake import admin

    admin.db_upgrade()


@tokens_app.command("add")
def tokens_add(
    name: Annotated[str, typer.Argument(help="The consumer, e.g. care-platform.")],
    scope: Annotated[
        list[str] | None,
        typer.Option(help=f"Repeatable; one of: {', '.join(SCOPES)}."),
    ] = None,
) -> None:
    """Make a token and print its secret, which is shown this once and stored only hashed."""
    from fax_intake import admin

    admin.tokens_add(name, scope or [REFERRALS_READ])


@tokens_app.command("revoke")
def tokens_revoke(name: Annotated[str, typer.Argument(help="The token's name.")]) -> None:
    """Revoke a token: its next request is refused."""
    from fax_intake import admin

    admin.tokens_revoke(name)


@tokens_app.command("list")
def tokens_list() -> None:
    """Tokens with their scopes, when made, last used and revoked (never the secrets)."""
    from fax_intake import admin

    admin.tokens_list()


@webhooks_app.command("new-secret")
def webhooks_new_secret() -> None:
    """Print a fresh whsec_ secret for an endpoint's "secrets" (and its receiver)."""
    from fax_intake import admin

    admin.webhooks_new_secret()


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name: letters, digits, '.', '_' or '-'.")],
    role: Annotated[Role, typer.Option(help="What the user may do.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Create a user. Without --password-stdin a random password is printed, this once."""
    from fax_intake import admin

    admin.users_add(name, role, password_stdin)


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable a user and end all of their sessions at once."""
    from fax_intake import admin

    admin.users_disable(name)


@users_app.command("unlock")
def users_unlock(name: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Let a user whose failed logins made them wait log in again at once."""
    from fax_intake import admin

    admin.users_unlock(name)


@users_app.command("bootstrap")
def users_bootstrap() -> None:
    """Create the first admin, with a random password printed once, if there are no users."""
    from fax_intake import admin

    admin.users_bootstrap()


@app.command()
def run() -> None:
    """Watcher, workers and the review web UI together: the embedded single-machine service."""
    from fax_intake import service

    service.run()


@app.command()
def serve() -> None:
    """Only the review web UI (and the API under /api/v1), for INTAKE_WEB_HOST:INTAKE_WEB_PORT."""
    from fax_intake import service

    service.serve()


@app.command()
def watch() -> None:
    """Watch the inbox folders and queue every complete file."""
    from fax_intake import workers

    workers.watch()


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="Worker processes.")] = 1,
) -> None:
    """Process queued documents until stopped; on SIGTERM each worker finishes its document,
    or hands it back to the queue after INTAKE_SHUTDOWN_GRACE_SECONDS."""
    from fax_intake import workers

    workers.worker(concurrency)


@app.command()
def process(
    files: Annotated[list[Path], typer.Argument(help="PDF, TIFF, PNG or JPEG files.")],
) -> None:
    """Ingest these files, read them here, and wait until each is done."""
    from fax_intake import reading

    reading.process(files)


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="A PDF, TIFF, PNG or JPEG fax.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the Referral as JSON.")] = False,
    as_fhir: Annotated[
        bool,
        typer.Option(
            "--fhir",
            help="Print the FHIR R4 Bundle the API would serve for this file once validated"
            " as read. A preview: its ids are fresh random ones on every run (the service"
            " keeps each referral's ids), it has no validation Provenance (nobody has validated"
            " it) and the fax is linked by its file: URI.",
        ),
    ] = False,
    received_at: Annotated[
        datetime | None,
        typer.Option(help="When the fax arrived (default: the file's modification time)."),
    ] = None,
) -> None:
    """Read one file and print what the extractor finds. Needs no database or service."""
    from fax_intake import one_file

    one_file.extract(file, as_json, as_fhir, received_at)


@app.command("eval")
def eval_(
    folder: Annotated[Path, typer.Argument(help="Files beside their <name>.truth.json.")],
    minimum: Annotated[
        list[str] | None,
        typer.Option(
            "--min",
            help="METRIC=VALUE, e.g. field_accuracy.text_pdf=0.98 or code_precision=0.99;"
            " exits non-zero when any is not met.",
        ),
    ] = None,
) -> None:
    """Measure the extractor on a labeled folder: per-field accuracy, codes, missing flags."""
    from fax_intake import reading

    reading.eval_(folder, minimum or [])


@app.command()
def status() -> None:
    """Documents by status, queue depth, the oldest waiting, and live workers."""
    from fax_intake import queue_status

    queue_status.show()


@app.command()
def reprocess(document_id: Annotated[int, typer.Argument(help="Document id.")]) -> None:
    """Queue a document to be read again from its stored original."""
    from fax_intake import reading

    reading.reprocess(document_id)


def main() -> None:
    try:
        app()
    except IntakeError as exc:
        _exit_with(exc.message, exc.exit_status)
    except OSError as exc:
        _exit_with(exc.strerror or type(exc).__name__, 1)
    except Exception as exc:
        # Only a command that has opened the database, and so loaded SQLAlchemy, can fail in it.
        from fax_intake.wiring import database_failure

        message = database_failure(exc)
        if message is None:
            raise
        _exit_with(message, 1)


def _exit_with(message: str, code: int) -> None:
    # Plain print: rich would wrap a long message over several lines.
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(code)
