"""All settings in one place: INTAKE_* environment variables or a .env file, checked at start."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from extractors.limits import Limits


class ConfigError(Exception):
    """A setting is wrong; the message names the variable and what is expected."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", env_file=".env", extra="ignore")

    data_dir: Path = Path("var")
    #: Default: SQLite in the data dir, the embedded single-machine setup.
    database_url: str = ""
    #: One or more folders, separated by the OS path separator (":" on Linux) or commas.
    inbox: Annotated[list[Path], NoDecode] = Field(default_factory=lambda: [Path("var/inbox")])
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, le=256)

    #: Poll the inbox instead of relying on inotify: NFS and SMB shares send no events.
    poll: bool = False
    stable_seconds: float = Field(default=2.0, ge=0.0)
    rescan_seconds: float = Field(default=10.0, gt=0.0)
    #: Keep originals under data_dir/archive after ingest instead of deleting them.
    archive: bool = False

    max_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    max_pages: int = Field(default=50, gt=0)
    max_pixels: int = Field(default=40_000_000, gt=0)
    ocr_timeout_seconds: float = Field(default=60.0, gt=0.0)

    max_attempts: int = Field(default=5, ge=1)
    retry_base_seconds: float = Field(default=5.0, ge=0.0)
    heartbeat_seconds: float = Field(default=5.0, gt=0.0)
    #: A worker whose heartbeat is older than this is dead and its document is taken again.
    worker_dead_after_seconds: float = Field(default=30.0, gt=0.0)
    idle_poll_seconds: float = Field(default=1.0, gt=0.0)

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "text"] = "json"

    @field_validator("inbox", mode="before")
    @classmethod
    def _split_inboxes(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(",", os.pathsep).split(os.pathsep)]
            return [Path(p) for p in parts if p]
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if value and not value.startswith("sqlite"):
            raise ValueError("only sqlite:/// URLs are supported")
        return value

    @model_validator(mode="after")
    def _inbox_given(self) -> Settings:
        if not self.inbox:
            raise ValueError("INTAKE_INBOX names no folder")
        if self.heartbeat_seconds * 2 > self.worker_dead_after_seconds:
            raise ValueError(
                "INTAKE_WORKER_DEAD_AFTER_SECONDS must be at least twice INTAKE_HEARTBEAT_SECONDS"
            )
        return self

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'intake.db').resolve()}"

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
        problems = "; ".join(
            f"INTAKE_{'_'.join(str(p) for p in err['loc']).upper() or 'SETTINGS'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from None
