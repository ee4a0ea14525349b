"""Content negotiation: each endpoint serves its formats only, and answers 406 to a request
whose Accept header (or FHIR's ``_format`` parameter) admits none of them, rather than send a
format the client said it cannot read."""

from __future__ import annotations

from collections.abc import Sequence

import mimeparse
from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam

from review_ui.api.problems import ApiProblem

JSON = "application/json"


def negotiate(request: Request, offered: Sequence[str], requested: str | None = None) -> str:
    """The media type to answer with, of ``offered`` (most preferred first): the one the
    request's Accept header rates best, or ``requested`` (a ``_format``) when given. No
    Accept header, or an empty one, accepts anything; an empty ``_format`` names no format,
    and is refused like any other not served."""
    accept = requested if requested is not None else request.headers.get("Accept", "")
    if requested is None and not accept.strip():
        return offered[0]
    try:
        # python-mimeparse prefers the later of equally rated types.
        chosen: str = mimeparse.best_match(list(reversed(offered)), accept)
    except mimeparse.MimeTypeParseException:
        chosen = ""
    if not chosen:
        raise ApiProblem(
            406,
            "not_acceptable",
            f"this endpoint serves {', '.join(offered)}",
        )
    return chosen


def offering(*media_types: str) -> DependsParam:
    """A route dependency refusing requests that accept none of ``media_types``."""

    def acceptable(request: Request) -> str:
        return negotiate(request, media_types)

    dependency: DependsParam = Depends(acceptable)
    return dependency
