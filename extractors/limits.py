"""Resource limits applied to untrusted input before and while it is decoded."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 50
    #: Per page, after resampling to square pixels. A letter page at 300 dpi is 8.4 Mpx.
    max_pixels: int = 40_000_000
    ocr_timeout_seconds: float = 60.0
