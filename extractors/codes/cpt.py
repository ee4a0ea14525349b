"""CPT code format. The CPT code set is AMA-licensed and not shipped, so only the shape is known."""

from __future__ import annotations

import re

# Category I codes are five digits; Category II (performance) end in F, III (emerging) in T.
PATTERN = r"^[0-9]{4}[0-9FT]$"
_CPT = re.compile(PATTERN)


def is_cpt_format(code: str) -> bool:
    """True if ``code`` is five digits, or four digits followed by F or T (uppercase)."""
    return _CPT.fullmatch(code) is not None
