"""Errors the service reports, each carrying its outcome, on the pattern of extractors.errors.

Whoever meets one reads what to do from the class instead of listing types: the `intake`
command its exit status, a web page or the API its HTTP status, the queue whether a retry
can help. The message is shown to operators, clerks or the log, so it says what is wrong in
plain words and never quotes PHI (a patient's values, a file's content, a URL's password).
"""

from __future__ import annotations


class IntakeError(Exception):
    """Base of every error the service reports on purpose."""

    code = "intake_error"
    #: The `intake` command's exit status: 2 for what the operator must set right (a setting,
    #: an argument, the schema), 1 for a failure of the service's own.
    exit_status = 2
    #: The answer to a request that meets it.
    http_status = 500
    #: The same input will always fail: quarantine or refuse, don't retry.
    permanent = True

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
