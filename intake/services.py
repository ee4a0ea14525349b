"""The service's parts, built once where the program starts and handed down:
the settings, the database engine and the content store. Nothing here builds them, so
importing this costs no database, no web app and no extractor."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from intake.config import Settings
from intake.store import ContentStore


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    store: ContentStore
