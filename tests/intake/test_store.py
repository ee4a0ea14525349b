from __future__ import annotations

import hashlib
import stat

import pytest

from intake.files import safe_filename
from intake.store import ContentStore, StoreCorruption


def test_put_is_content_addressed_read_only_and_idempotent(tmp_path):
    store = ContentStore(tmp_path / "store")
    data = b"%PDF-1.4 fax bytes"
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    path = store.path_for(sha)
    assert path.parent.parent.name == sha[:2]
    assert store.put(data) == sha
    assert store.get(sha) == data
    assert not stat.S_IMODE(path.stat().st_mode) & 0o222
    assert not list(path.parent.glob(".*.tmp"))


def test_get_detects_a_tampered_original(tmp_path):
    store = ContentStore(tmp_path / "store")
    sha = store.put(b"original")
    path = store.path_for(sha)
    path.chmod(0o640)
    path.write_bytes(b"tampered")
    with pytest.raises(StoreCorruption):
        store.get(sha)


def test_path_for_refuses_anything_but_a_digest(tmp_path):
    store = ContentStore(tmp_path / "store")
    with pytest.raises(ValueError):
        store.path_for("../../etc/passwd")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("order.pdf", "order.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("Pt Müller .. order (1).pdf", "Pt Müller .. order _1_.pdf"),
        ("a\x00b\nc.tif", "abc.tif"),
        ("...", "file"),
        ("", "file"),
    ],
)
def test_safe_filename(given, expected):
    assert safe_filename(given) == expected
