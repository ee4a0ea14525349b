"""The `intake` command. Every failure a user can cause ends in one line and a non-zero exit."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, select

from extractors.errors import ExtractError
from extractors.evaluate import meets, render
from extractors.extract.extractor import extract_file
from extractors.referral import Referral
from intake import logs, push, queue, tokens, webhooks
from intake.audit_trail import CLI_ACTOR
from intake.config import Settings, load_settings
from intake.db.accounts import Role
from intake.db.engine import make_engine, session_scope
from intake.db.migrate import require_current, upgrade
from intake.db.models import Document, Status
from intake.errors import IntakeError
from intake.evaluation import labeled_files, run_eval
from intake.ingest import Ingestor
from intake.services import Services
from intake.store import ContentStore
from intake.supervisor import supervise
from intake.users import (
    create_first_admin,
    create_user,
    disable_user,
    has_users,
    random_password,
    unlock_user,
)
from intake.watcher import Watcher, claimed_count
from intake.worker import Worker, WorkerThread
from review_ui.server import make_server, start_in_thread, url_of

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
app.add_typer(db_app, name="db")
tokens_app = typer.Typer(no_args_is_help=True, help="API tokens of downstream consumers.")
app.add_typer(tokens_app, name="tokens")
users_app = typer.Typer(no_args_is_help=True, help="Accounts of clerks, supervisors and admins.")
app.add_typer(users_app, name="users")
webhooks_app = typer.Typer(no_args_is_help=True, help="Webhook endpoints (INTAKE_WEBHOOKS).")
app.add_typer(webhooks_app, name="webhooks")

out = Console(soft_wrap=True)
err = Console(stderr=True)
logger = logging.getLogger("intake")

_TERMINAL = {Status.needs_review, Status.failed, Status.duplicate}


class UsageError(IntakeError):
    """A bad argument from the command line."""

    code = "usage"


def _settings() -> Settings:
    settings = load_settings()
    logs.configure(settings.log_level, settings.log_format)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings


def _services(settings: Settings | None = None) -> Services:
    settings = settings or _settings()
    engine = make_engine(settings.effective_database_url)
    require_current(engine)
    return Services(settings=settings, engine=engine, store=ContentStore(settings.store_dir))


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def _watcher(services: Services) -> Watcher:
    settings = services.settings
    ingestor = Ingestor(settings, services.engine, services.store)
    return Watcher(
        settings.inbox,
        ingestor.ingest_claimed,
        stable_seconds=settings.stable_seconds,
        rescan_seconds=settings.rescan_seconds,
        polling=settings.poll,
        stale_claim_seconds=settings.stale_claim_seconds,
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the current version."""
    settings = _settings()
    upgrade(make_engine(settings.effective_database_url))
    out.print("database schema is current")


@tokens_app.command("add")
def tokens_add(
    name: Annotated[str, typer.Argument(help="The consumer, e.g. care-platform.")],
    scope: Annotated[
        list[str] | None,
        typer.Option(help=f"Repeatable; one of: {', '.join(tokens.SCOPES)}."),
    ] = None,
) -> None:
    """Make a token and print its secret, which is shown this once and stored only hashed."""
    services = _services()
    secret = tokens.create(services.engine, name, scope or [tokens.REFERRALS_READ], CLI_ACTOR)
    print(secret)
    err.print(f"token {name!r} made; store the secret now, it is not shown again")


@tokens_app.command("revoke")
def tokens_revoke(name: Annotated[str, typer.Argument(help="The token's name.")]) -> None:
    """Revoke a token: its next request is refused."""
    tokens.revoke(_services().engine, name, CLI_ACTOR)
    out.print(f"token {name!r} revoked")


@tokens_app.command("list")
def tokens_list() -> None:
    """Tokens with their scopes, when made, last used and revoked (never the secrets)."""
    table = Table("name", "scopes", "created", "last used", "revoked")
    for token in tokens.list_tokens(_services().engine):
        table.add_row(
            token.name,
            " ".join(token.scopes),
            f"{token.created_at:%Y-%m-%d %H:%M}",
            f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "",
            f"{token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "",
        )
    out.print(table)


@webhooks_app.command("new-secret")
def webhooks_new_secret() -> None:
    """Print a fresh whsec_ secret for an endpoint's "secrets" (and its receiver)."""
    # Reads no settings: an operator makes the secret before configuring the endpoint.
    print(webhooks.new_secret())


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name: letters, digits, '.', '_' or '-'.")],
    role: Annotated[Role, typer.Option(help="What the user may do.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Create a user. Without --password-stdin a random password is printed, this once."""
    services = _services()
    password = sys.stdin.readline().rstrip("\n") if password_stdin else random_password()
    with session_scope(services.engine) as session:
        user = create_user(session, name, password, role, CLI_ACTOR)
    if not password_stdin:
        print(password)
    err.print(f"user {user.username} ({user.role}) created")


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable a user and end all of their sessions at once."""
    with session_scope(_services().engine) as session:
        user = disable_user(session, name, CLI_ACTOR)
    out.print(f"user {user.username} disabled; their sessions are ended")


@users_app.command("unlock")
def users_unlock(name: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Let a user whose failed logins made them wait log in again at once."""
    with session_scope(_services().engine) as session:
        user = unlock_user(session, name, CLI_ACTOR)
    out.print(f"user {user.username} may log in again now")


@users_app.command("bootstrap")
def users_bootstrap() -> None:
    """Create the first admin, with a random password printed once, if there are no users."""
    with session_scope(_services().engine) as session:
        created = create_first_admin(session, CLI_ACTOR)
    if created is None:
        out.print("users exist already; nothing to do")
        return
    user, password = created
    # Printed, never logged: the terminal is the only place it appears.
    print(f"first admin created: username {user.username}  password {password}")
    print("This password is shown once. Log in and keep it somewhere safe.")


def _web_hint(services: Services) -> None:
    out.print(f"review UI: {url_of(services)}")
    with session_scope(services.engine) as session:
        if not has_users(session):
            out.print("no users yet: `intake users add NAME --role admin` creates one")


@app.command()
def run() -> None:
    """Watcher, workers and the review web UI together: the embedded single-machine service."""
    services = _services()
    watcher = _watcher(services)
    server = make_server(services)
    stop = _stop_on_signals()
    web = start_in_thread(server)
    watching = threading.Thread(target=watcher.run, args=(stop,), name="watcher")
    watching.start()
    pushing = push.start(services, stop)
    settings = services.settings
    out.print(
        f"fax-intake running: {settings.workers} worker(s) watching"
        f" {', '.join(map(str, settings.inbox))}; `intake status` shows progress. Ctrl-C stops."
    )
    _web_hint(services)
    try:
        supervise(settings.workers, stop)
    finally:
        stop.set()
        server.should_exit = True
        watching.join()
        web.join()
        if pushing is not None:
            pushing.join()


@app.command()
def serve() -> None:
    """Only the review web UI (and the API under /api/v1), for INTAKE_WEB_HOST:INTAKE_WEB_PORT."""
    services = _services()
    _web_hint(services)
    stop = threading.Event()
    push.start(services, stop)  # the outbox and webhooks, when configured
    try:
        make_server(services).run()
    finally:
        stop.set()


@app.command()
def watch() -> None:
    """Watch the inbox folders and queue every complete file."""
    watcher = _watcher(_services())
    watcher.run(_stop_on_signals())


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="Worker processes.")] = 1,
) -> None:
    """Process queued documents until stopped; on SIGTERM each worker finishes its document,
    or hands it back to the queue after INTAKE_SHUTDOWN_GRACE_SECONDS."""
    services = _services()
    stop = _stop_on_signals()
    if concurrency == 1:
        Worker(services).run(stop)
    else:
        settings = services.settings
        # Grace, then the page in hand (at most one OCR timeout), then a margin.
        shutdown = settings.shutdown_grace_seconds + settings.ocr_timeout_seconds + 10
        supervise(concurrency, stop, shutdown_seconds=shutdown)


@app.command()
def process(
    files: Annotated[list[Path], typer.Argument(help="PDF, TIFF, PNG or JPEG files.")],
) -> None:
    """Ingest these files, read them here, and wait until each is done."""
    missing = [f for f in files if not f.is_file()]
    if missing:
        raise UsageError(f"{len(missing)} of the given paths are not readable files")
    services = _services()
    ingestor = Ingestor(services.settings, services.engine, services.store)
    ids = [ingestor.ingest_path(path).document_id for path in files]
    worker_thread = WorkerThread(services)
    worker_thread.start()
    try:
        with Progress(
            TextColumn("reading"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
        ) as bar:
            task = bar.add_task("documents", total=len(ids))
            while True:
                done = sum(1 for s in _statuses(services, ids).values() if s in _TERMINAL)
                bar.update(task, completed=done)
                if done == len(ids):
                    break
                worker_thread.check()  # a worker that died must not leave us waiting forever
                time.sleep(0.5)
    finally:
        worker_thread.stop.set()
    worker_thread.join()
    _print_documents(services, ids)


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
    if not file.is_file():
        raise UsageError("the given path is not a readable file")
    settings = load_settings()
    arrived = received_at or datetime.fromtimestamp(file.stat().st_mtime, tz=UTC)
    if arrived.tzinfo is None:
        arrived = arrived.replace(tzinfo=UTC)
    try:
        pages, referral = extract_file(
            file.read_bytes(), filename=file.name, received_at=arrived, limits=settings.limits
        )
    except ExtractError as exc:
        raise UsageError(f"cannot read the file: {exc.message}") from None
    if as_json:
        print(referral.model_dump_json(indent=2))
        return
    if as_fhir:
        print(_fhir_preview(file, referral, pages=len(pages), received_at=arrived))
        return
    table = Table("field", "value")
    data = referral.model_dump(mode="json", exclude={"evidence", "source"})
    for key, value in data.items():
        table.add_row(key, json.dumps(value) if isinstance(value, dict | list) else str(value))
    out.print(table)


def _fhir_preview(file: Path, referral: Referral, pages: int, received_at: datetime) -> str:
    # Imported here: fhir.resources is slow to import and only this option needs it.
    from extractors.filetype import sniff
    from review_ui.fhir import FaxDocument, build_bundle, fresh_ids

    data = file.read_bytes()
    document = FaxDocument(
        media_type=sniff(data[:1024]),
        size_bytes=len(data),
        pages=pages,
        received_at=received_at,
        url=file.resolve().as_uri(),
    )
    return build_bundle(referral, document, fresh_ids, validation=None).model_dump_json(indent=2)


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
    if not folder.is_dir() or not labeled_files(folder):
        raise UsageError("the folder holds no <name>.truth.json files beside their documents")
    thresholds = _thresholds(minimum or [])
    result = run_eval(folder, load_settings().limits)
    print(render(result.report, seconds=result.seconds))
    try:
        failed = meets(result.report, thresholds)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if failed:
        print("\n".join(f"below threshold: {line}" for line in failed))
        raise typer.Exit(1)


def _thresholds(given: list[str]) -> dict[str, float]:
    thresholds = {}
    for item in given:
        metric, _, value = item.partition("=")
        try:
            thresholds[metric.strip()] = float(value)
        except ValueError:
            raise UsageError(f"--min takes METRIC=VALUE, not {item!r}") from None
    return thresholds


def _statuses(services: Services, ids: list[int]) -> dict[int, Status]:
    with session_scope(services.engine) as session:
        rows = session.exec(select(Document).where(col(Document.id).in_(ids))).all()
        return {d.id: Status(d.status) for d in rows if d.id is not None}


def _print_documents(services: Services, ids: list[int]) -> None:
    table = Table("id", "status", "pages", "reason")
    with session_scope(services.engine) as session:
        for doc in session.exec(select(Document).where(col(Document.id).in_(ids))).all():
            table.add_row(
                str(doc.id), doc.status, str(doc.page_count or ""), doc.error_message or ""
            )
    out.print(table)


@app.command()
def status() -> None:
    """Documents by status, queue depth, the oldest waiting, and live workers."""
    services = _services()
    state = queue.status(services.engine, services.settings.worker_dead_after_seconds)
    table = Table("status", "documents")
    for name in Status:
        table.add_row(name.value, str(state.counts.get(name.value, 0)))
    out.print(table)
    out.print(f"queue depth: {state.counts.get(Status.queued.value, 0)}")
    # Claimed from an inbox but in no table yet: a crash mid-ingest leaves these until the
    # watcher recovers them, and their 24-hour clock has not started.
    claimed = sum(claimed_count(inbox) for inbox in services.settings.inbox)
    out.print(f"files claimed, not yet recorded: {claimed}")
    if (age := state.oldest_queued_age) is not None:
        out.print(f"oldest waiting: {timedelta(seconds=max(round(age.total_seconds()), 0))}")
    silent = len(state.workers) - len(state.live_workers)
    out.print(
        f"live workers: {len(state.live_workers)}"
        + (
            f" ({silent} silent: stopped beating, their documents are taken again)"
            if silent
            else ""
        )
    )
    if state.workers:
        workers = Table("worker", "host", "pid", "last heartbeat", "state", "documents")
        for w in state.workers:
            workers.add_row(
                w.worker.id,
                w.worker.hostname,
                str(w.worker.pid),
                f"{w.heartbeat_age:.1f} s ago",
                "live" if w.live else "silent",
                ", ".join(map(str, w.holding)),
            )
        out.print(workers)


@app.command()
def reprocess(document_id: Annotated[int, typer.Argument(help="Document id.")]) -> None:
    """Queue a document to be read again from its stored original."""
    services = _services()
    if not queue.requeue(services.engine, document_id):
        with session_scope(services.engine) as session:
            document = session.get(Document, document_id)
        if document is None:
            raise UsageError(f"document {document_id} does not exist")
        raise UsageError(
            f"document {document_id} is {document.status}: only a document open for review,"
            " rejected or failed is read again"
        )
    out.print(f"document {document_id} queued again")


def _database_read_only(exc: SQLAlchemyError) -> bool:
    """PostgreSQL says so ("read-only transaction"); SQLite on a read-only filesystem only
    says it cannot open its file, so its folder is asked."""
    if "read-only" in str(getattr(exc, "orig", "")).replace("readonly", "read-only"):
        return True
    with contextlib.suppress(Exception):
        url = make_url(load_settings().effective_database_url)
        if url.get_backend_name() == "sqlite" and url.database:
            folder = Path(url.database).resolve().parent
            return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    return False


def main() -> None:
    try:
        app()
    except IntakeError as exc:
        _exit_with(exc.message, exc.exit_status)
    except SQLAlchemyError as exc:
        # Not the driver's text: it can quote SQL parameters, i.e. patient data. Only whether
        # the database refused writes, which tells an operator where to look.
        what = "the database is read-only" if _database_read_only(exc) else "database error"
        _exit_with(f"{what} ({type(exc).__name__})", 1)
    except OSError as exc:
        _exit_with(exc.strerror or type(exc).__name__, 1)


def _exit_with(message: str, code: int) -> None:
    # Plain print: rich would wrap a long message over several lines.
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(code)
