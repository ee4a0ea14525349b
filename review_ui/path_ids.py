"""Ids in the UI's paths, bounded as the database's integer keys are: an id past them names no
document (a 404 page), never a query the database refuses (a 500)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from intake.db.types import MAX_INTEGER

DocumentId = Annotated[int, Path(ge=1, le=MAX_INTEGER)]
PageNumber = Annotated[int, Path(ge=1, le=MAX_INTEGER)]
