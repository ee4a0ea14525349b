"""`intake extract`: one file read and printed, with no database and no service.

Apart from `reading` so that it loads no database layer: a new process per file is how the
scorer and an operator run it, and SQLAlchemy, SQLModel and Alembic cost it ~0.5 s to import.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from extractors.errors import ExtractError
from extractors.extract.extractor import extract_file
from extractors.filetype import sniff
from extractors.referral import Referral
from fax_intake.errors import UsageError
from intake.config import load_settings

out = Console(soft_wrap=True)


def extract(file: Path, as_json: bool, as_fhir: bool, received_at: datetime | None) -> None:
    if not file.is_file():
        raise UsageError("the given path is not a readable file")
    settings = load_settings()
    arrived = received_at or datetime.fromtimestamp(file.stat().st_mtime, tz=UTC)
    if arrived.tzinfo is None:
        arrived = arrived.replace(tzinfo=UTC)
    data = file.read_bytes()
    try:
        pages, referral = extract_file(
            data, filename=file.name, received_at=arrived, limits=settings.limits
        )
    except ExtractError as exc:
        raise UsageError(f"cannot read the file: {exc.message}") from None
    if as_json:
        print(referral.model_dump_json(indent=2))
        return
    if as_fhir:
        print(_fhir_preview(file, data, referral, pages=len(pages), received_at=arrived))
        return
    table = Table("field", "value")
    fields = referral.model_dump(mode="json", exclude={"evidence", "source"})
    for key, value in fields.items():
        table.add_row(key, json.dumps(value) if isinstance(value, dict | list) else str(value))
    out.print(table)


def _fhir_preview(
    file: Path, data: bytes, referral: Referral, pages: int, received_at: datetime
) -> str:
    # Imported here: fhir.resources is slow to import and only this option needs it.
    from review_ui.fhir import FaxDocument, build_bundle, fresh_ids

    document = FaxDocument(
        media_type=sniff(data[:1024]),
        size_bytes=len(data),
        pages=pages,
        received_at=received_at,
        url=file.resolve().as_uri(),
    )
    return build_bundle(referral, document, fresh_ids, validation=None).model_dump_json(indent=2)
