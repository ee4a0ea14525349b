"""The command line's own error."""

from __future__ import annotations

from intake.errors import IntakeError


class UsageError(IntakeError):
    """A bad argument from the command line."""

    code = "usage"
    http_status = 400
