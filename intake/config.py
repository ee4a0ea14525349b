"""All settings in one place: INTAKE_* environment variables or a .env file, checked at start."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import os
import re
from datetime import tzinfo
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from extractors.limits import Limits
from intake.errors import IntakeError

if TYPE_CHECKING:
    import limits

#: Accepted URL schemes and what they mean; bare PostgreSQL schemes get the installed driver.
_DATABASE_SCHEMES = {
    "sqlite": "sqlite",
    "postgresql+psycopg": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
}


WEBHOOK_SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
#: Standard Webhooks' bounds on an HMAC key: at least 24 bytes (192 bits), at most 64.
_WEBHOOK_KEY_BYTES = range(24, 65)
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
#: What each API token may make unless set. Known to be one rate (tested), so the settings
#: import the rate parser (limits, ~0.03 s) only for a rate an operator set.
DEFAULT_API_RATE_LIMIT = "1200/minute"


def _comma_list(value: object) -> object:
    """A comma-separated environment value as a list of its non-empty parts."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _is_webhook_url(value: object) -> bool:
    # Referrals are PHI: they leave the machine only over TLS.
    if not isinstance(value, str):
        return False
    url = urlsplit(value)
    if url.scheme == "https" and url.hostname:
        return True
    return url.scheme == "http" and url.hostname in _LOOPBACK_HOSTS


def _whsec(value: SecretStr) -> SecretStr:
    """A Standard Webhooks secret: whsec_ and the base64 of 24 to 64 bytes (padding optional,
    as the library reads it)."""
    text = value.get_secret_value()
    encoded = text.removeprefix(WEBHOOK_SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error:
        key = b""
    if not text.startswith(WEBHOOK_SECRET_PREFIX) or len(key) not in _WEBHOOK_KEY_BYTES:
        # Never repeats the value: it is a secret.
        raise ValueError(
            "must be whsec_ and the base64 of 24 to 64 bytes"
            " (`intake webhooks new-secret` prints one)"
        )
    return value


#: "thin": the ids and a link to fetch the referral from the API, no PHI; "full": the
#: referral itself (PHI) in every attempt, for receivers that cannot call the API.
WebhookPayload = Literal["full", "thin"]

#: One per kind of event in the downstream feed (intake.db.feed.FeedEventKind).
WebhookEventType = Literal[
    "referral.validated",
    "referral.corrected",
    "referral.reopened",
    "referral.rejected",
    "referral.clarification_requested",
]
#: The referrals themselves, each version once: what an endpoint gets unless it lists more.
DEFAULT_WEBHOOK_EVENTS: tuple[WebhookEventType, ...] = ("referral.validated", "referral.corrected")


class WebhookEndpoint(BaseModel):
    """One receiver of the signed feed events; INTAKE_WEBHOOKS is a JSON list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: https:// (http:// only to localhost). Out of the repr: it may carry a credential.
    url: str = Field(repr=False)
    #: Every delivery is signed with each of them: two during a rotation, so a receiver
    #: holding either the old or the new one verifies.
    secrets: list[Annotated[SecretStr, AfterValidator(_whsec)]] = Field(min_length=1, max_length=2)
    #: Thin by default: PHI leaves the service only for an endpoint that asks for it.
    payload: WebhookPayload = "thin"
    #: The events sent to it. Status events only when listed: a receiver written for
    #: referrals alone is never sent a message it does not know.
    events: list[WebhookEventType] = Field(
        default_factory=lambda: list(DEFAULT_WEBHOOK_EVENTS), min_length=1
    )

    @field_validator("url")
    @classmethod
    def _webhook_url(cls, value: str) -> str:
        if not _is_webhook_url(value):
            # Never repeats the URL: it may carry a credential.
            raise ValueError("must be https:// (http:// only to localhost)")
        return value

    @field_validator("secrets")
    @classmethod
    def _distinct_secrets(cls, value: list[SecretStr]) -> list[SecretStr]:
        if len({secret.get_secret_value() for secret in value}) != len(value):
            raise ValueError("the same secret twice")
        return value

    @field_validator("events")
    @classmethod
    def _distinct_events(cls, value: list[WebhookEventType]) -> list[WebhookEventType]:
        if len(set(value)) != len(value):
            raise ValueError("the same event twice")
        return value


class ConfigError(IntakeError):
    """A setting is wrong; the message names the variable and what is expected."""

    code = "invalid_config"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", env_file=".env", extra="ignore")

    data_dir: Path = Path("var")
    #: Default: SQLite in the data dir, the embedded single-machine setup. A
    #: postgresql+psycopg:// URL lets workers on many hosts share one database.
    database_url: str = ""
    #: One or more folders, separated by the OS path separator (":" on Linux) or commas.
    inbox: Annotated[list[Path], NoDecode] = Field(default_factory=lambda: [Path("var/inbox")])
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, le=256)

    #: Poll the inbox instead of relying on inotify: NFS and SMB shares send no events.
    poll: bool = False
    stable_seconds: float = Field(default=2.0, ge=0.0)
    #: A claimed file whose claim was never released is handed over again after this long,
    #: when its claimer's life cannot be judged (another host on a shared inbox, or a failed
    #: hand-over); a claim of a process known to be gone is recovered at once.
    stale_claim_seconds: float = Field(default=600.0, gt=0.0)
    rescan_seconds: float = Field(default=10.0, gt=0.0)
    #: Keep originals under data_dir/archive after ingest instead of deleting them.
    archive: bool = False

    #: /health answers 503 when the data folder has less free space than this: the next
    #: faxes could not be stored.
    min_free_bytes: int = Field(default=200 * 1024 * 1024, ge=0)
    #: The input limits; their defaults are the readers' own (extractors.limits.Limits).
    max_bytes: int = Field(default=Limits.max_bytes, gt=0)
    max_pages: int = Field(default=Limits.max_pages, gt=0)
    max_pixels: int = Field(default=Limits.max_pixels, gt=0)
    ocr_timeout_seconds: float = Field(default=Limits.ocr_timeout_seconds, gt=0.0)

    max_attempts: int = Field(default=5, ge=1)
    retry_base_seconds: float = Field(default=5.0, ge=0.0)
    heartbeat_seconds: float = Field(default=5.0, gt=0.0)
    #: A worker whose heartbeat is older than this is dead and its document is taken again.
    worker_dead_after_seconds: float = Field(default=30.0, gt=0.0)
    idle_poll_seconds: float = Field(default=1.0, gt=0.0)
    #: After SIGTERM a worker keeps reading its document this long, then hands it back to the
    #: queue at the next page boundary (a container runtime kills it soon after).
    shutdown_grace_seconds: float = Field(default=20.0, ge=0.0)

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "text"] = "json"

    #: The review web UI (`intake run` and `intake serve`).
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8000, ge=1, le=65535)
    #: A browser session ends after this long without a request, and at the lifetime's end.
    session_idle_minutes: float = Field(default=15.0, gt=0.0)
    session_lifetime_hours: float = Field(default=12.0, gt=0.0)
    #: Send the session cookie over https only; set it when the UI is served behind TLS.
    cookie_secure: bool = False
    #: The address downstream systems reach this service at ("https://intake.example.org"):
    #: the links the API gives (a FHIR DocumentReference's URL) start with it, never with
    #: whatever Host header a request carried. Default: http(s)://WEB_HOST:WEB_PORT.
    public_url: str = ""
    #: Addresses of reverse proxies whose X-Forwarded-For / -Proto are believed (comma-
    #: separated IPs or networks). Empty: no one's are, so no local process can pass a made-up
    #: client address to the login throttle or the audit trail.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    #: How long an open review page keeps a document reserved for its clerk without activity.
    review_lock_minutes: float = Field(default=10.0, gt=0.0)
    #: IANA zone for the desk's times and "today" (default: this machine's zone).
    timezone: str = ""
    #: Who the fax-back letter to an ordering office comes from, and where to answer.
    desk_name: str = "Care coordination intake desk"
    desk_fax: str = ""
    desk_phone: str = ""
    #: A folder a fax server sends from: each fax-back letter is dropped there as a PDF (with
    #: a JSON file naming the office's fax number) when a clerk requests clarification.
    fax_back_outbox: Path | None = None

    #: Push to consumers that cannot poll the API: one JSON file per validated referral in
    #: this folder, and/or a signed POST of it to each webhook endpoint: a JSON list of
    #: {"url", "secrets": ["whsec_..."], "payload": "thin"|"full", "events": [...]}.
    outbox: Path | None = None
    webhooks: Annotated[list[WebhookEndpoint], NoDecode] = Field(default_factory=list)
    #: Retired with the home-made X-Intake-Signature: read only to refuse them with what to
    #: set instead, since ignoring them would silently stop the deliveries.
    webhook_urls: str | None = None
    webhook_secret: SecretStr | None = None
    #: After this many failed attempts a delivery goes to the admin's dead-letter list.
    webhook_max_attempts: int = Field(default=10, ge=1, le=100)
    webhook_retry_base_seconds: float = Field(default=30.0, ge=0.0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0.0)
    push_interval_seconds: float = Field(default=2.0, gt=0.0)
    #: Requests each API token may make ("N/second|minute|hour|day"), in a moving window,
    #: counted by each web process apart; requests without a valid token are counted by
    #: client address. A consumer paging 100 at a time needs a few a second; acking one by
    #: one while catching up on a backlog, a few dozen.
    api_rate_limit: str = DEFAULT_API_RATE_LIMIT

    @field_validator("inbox", mode="before")
    @classmethod
    def _split_inboxes(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(",", os.pathsep).split(os.pathsep)]
            return [Path(p) for p in parts if p]
        return value

    @property
    def base_url(self) -> str:
        """Where downstream systems reach the service, without a trailing slash."""
        scheme = "https" if self.cookie_secure else "http"
        return (self.public_url or f"{scheme}://{self.web_host}:{self.web_port}").rstrip("/")

    @field_validator("public_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        if value and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ValueError("must be an absolute http(s) URL with no query")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        value = _comma_list(value)
        if isinstance(value, list):
            for part in value:
                try:
                    ipaddress.ip_network(part, strict=False)
                except ValueError:
                    raise ValueError("each proxy must be an IP address or network") from None
        return value

    @field_validator("webhooks", mode="before")
    @classmethod
    def _parse_webhooks(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return json.loads(value) if value.strip() else []
            except json.JSONDecodeError as exc:
                # Where, never what: the text holds the secrets.
                raise ValueError(
                    f"not JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); expected"
                    ' a list of {"url", "secrets", "payload", "events"} objects'
                ) from None
        return value

    @field_validator("api_rate_limit")
    @classmethod
    def _one_rate(cls, value: str) -> str:
        if value == DEFAULT_API_RATE_LIMIT:
            return value
        import limits

        try:
            rates = limits.parse_many(value)
        except ValueError:
            rates = []
        if len(rates) != 1:
            raise ValueError("must be one rate, e.g. 1200/minute or 20/second")
        return value

    @property
    def api_rate(self) -> limits.RateLimitItem:
        import limits

        return limits.parse(self.api_rate_limit)

    @field_validator("webhooks")
    @classmethod
    def _distinct_endpoints(cls, value: list[WebhookEndpoint]) -> list[WebhookEndpoint]:
        # Deliveries and the cursor are kept per URL.
        if len({endpoint.url for endpoint in value}) != len(value):
            raise ValueError("the same url twice")
        return value

    @field_validator("webhook_urls", "webhook_secret", mode="before")
    @classmethod
    def _retired(cls, value: object, info: ValidationInfo) -> object:
        if value and info.field_name == "webhook_secret":
            raise ValueError("retired: each endpoint's secrets are in INTAKE_WEBHOOKS")
        if value:
            raise ValueError(
                "retired: webhooks now follow Standard Webhooks; set INTAKE_WEBHOOKS to"
                ' [{"url": "https://...", "secrets": ["whsec_..."], "payload": "thin"}]'
                " (`intake webhooks new-secret` prints a secret) and update the receivers"
            )
        return None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError("not an IANA time zone name, e.g. America/Chicago") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value:
            return value
        scheme, separator, rest = value.partition("://")
        if not separator or scheme not in _DATABASE_SCHEMES:
            # Never repeats the value: a URL may carry a password.
            raise ValueError("use sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DATABASE")
        return f"{_DATABASE_SCHEMES[scheme]}://{rest}"

    @model_validator(mode="after")
    def _inbox_given(self) -> Settings:
        if not self.inbox:
            raise ValueError("INTAKE_INBOX names no folder")
        if self.heartbeat_seconds * 2 > self.worker_dead_after_seconds:
            raise ValueError(
                "INTAKE_WORKER_DEAD_AFTER_SECONDS must be at least twice INTAKE_HEARTBEAT_SECONDS"
            )
        return self

    @model_validator(mode="after")
    def _thin_webhooks_link_here(self) -> Settings:
        if not self.public_url and any(e.payload == "thin" for e in self.webhooks):
            raise ValueError(
                "INTAKE_PUBLIC_URL is required with thin webhook payloads (the default):"
                " their link to the referral must reach this service"
            )
        return self

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'intake.db').resolve()}"

    @property
    def zone(self) -> tzinfo | None:
        """The desk's time zone; None means this machine's local zone."""
        return ZoneInfo(self.timezone) if self.timezone else None

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"

    @property
    def quarantine_dir(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @cached_property
    def limits(self) -> Limits:
        return Limits(
            max_bytes=self.max_bytes,
            max_pages=self.max_pages,
            max_pixels=self.max_pixels,
            ocr_timeout_seconds=self.ocr_timeout_seconds,
        )


def load_settings() -> Settings:
    """Read and check the settings, turning pydantic's report into one line per problem."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{_where(err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ConfigError(f"invalid configuration: {problems}") from None


def _where(loc: tuple[int | str, ...]) -> str:
    """The variable, and the place inside a JSON one: INTAKE_WEBHOOKS[0].secrets[1]."""
    if not loc:
        return "INTAKE_SETTINGS"
    variable, *inside = loc
    return f"INTAKE_{str(variable).upper()}" + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in inside
    )
