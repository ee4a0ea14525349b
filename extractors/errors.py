"""Errors a reader can raise, each carrying the outcome the service should record.

The message of every error is shown to operators and stored with the document, so it
says what is wrong with the file in plain words and never quotes the file's content.
"""

from __future__ import annotations


class ExtractError(Exception):
    """Base of every error raised while turning bytes into pages."""

    code = "extract_error"
    #: A permanent error means the same bytes will always fail: quarantine, don't retry.
    permanent = True

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EmptyFile(ExtractError):
    code = "empty_file"


class UnsupportedType(ExtractError):
    code = "unsupported_type"


class TypeMismatch(UnsupportedType):
    code = "type_mismatch"


class CorruptFile(ExtractError):
    code = "corrupt_file"


class EncryptedDocument(ExtractError):
    code = "encrypted"


class LimitExceeded(ExtractError):
    code = "limit_exceeded"


class OcrError(ExtractError):
    """tesseract failed on a page; may succeed on a retry (memory pressure, a killed child)."""

    code = "ocr_failed"
    permanent = False


class OcrTimeout(OcrError):
    code = "ocr_timeout"


class OcrUnavailable(OcrError):
    """tesseract or its language data is missing: an installation problem, not the file's."""

    code = "ocr_unavailable"
