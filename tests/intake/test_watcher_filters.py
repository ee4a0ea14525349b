from __future__ import annotations

import pytest

from intake.watcher.filters import is_ignored

CASES = [
    ("fax.pdf", False),
    ("FAX 2024-01-02.TIF", False),
    ("scan.tiff", False),
    ("page.png", False),
    ("photo.jpeg", False),
    ("no-extension", False),
    ("a..b.pdf", False),
    ("tmp.pdf", False),
    ("partial-order.pdf", False),
    ("thumbs.db.pdf", False),
    (".hidden.pdf", True),
    (".DS_Store", True),
    ("._fax.pdf", True),
    ("..", True),
    ("fax.pdf.tmp", True),
    ("fax.TMP", True),
    ("fax.pdf.part", True),
    ("fax.pdf.crdownload", True),
    ("fax.pdf.partial", True),
    ("fax.pdf.filepart", True),
    ("fax.pdf~", True),
    ("Thumbs.db", True),
    ("thumbs.db", True),
    ("desktop.ini", True),
    ("Desktop.INI", True),
    ("~$order.docx", True),
    ("@eaDir", True),
    ("#recycle", True),
    ("$RECYCLE.BIN", True),
    ("", True),
]


@pytest.mark.parametrize(("name", "ignored"), CASES, ids=[c[0] or "<empty>" for c in CASES])
def test_is_ignored(name, ignored):
    assert is_ignored(name) is ignored
