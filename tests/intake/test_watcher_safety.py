from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from intake.watcher.safety import candidate_files


def names(inbox: Path) -> set[str]:
    return {p.relative_to(inbox).as_posix() for p in candidate_files(inbox, {"processing"})}


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return inbox


def test_regular_files_are_found_recursively(inbox):
    (inbox / "a.pdf").write_bytes(b"a")
    (inbox / "sub" / "deeper").mkdir(parents=True)
    (inbox / "sub" / "b.tif").write_bytes(b"b")
    (inbox / "sub" / "deeper" / "c.png").write_bytes(b"c")
    assert names(inbox) == {"a.pdf", "sub/b.tif", "sub/deeper/c.png"}


def test_yielded_paths_are_inside_the_resolved_inbox(tmp_path):
    real = tmp_path / "real-inbox"
    real.mkdir()
    (real / "a.pdf").write_bytes(b"a")
    # The inbox itself may be reached through a symlink (a mounted share); that is fine.
    link = tmp_path / "inbox-link"
    link.symlink_to(real, target_is_directory=True)
    assert list(candidate_files(link, {"processing"})) == [real / "a.pdf"]


def test_symlinks_are_never_followed(inbox, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(b"not yours")
    (inbox / "link-to-file.pdf").symlink_to(outside / "secret.pdf")
    (inbox / "link-to-dir").symlink_to(outside, target_is_directory=True)
    (inbox / "real.pdf").write_bytes(b"mine")
    (inbox / "link-to-inside.pdf").symlink_to(inbox / "real.pdf")
    (inbox / "loop").symlink_to(inbox, target_is_directory=True)
    assert names(inbox) == {"real.pdf"}


def test_dot_dot_looking_names_inside_are_fine(inbox):
    (inbox / "a..b").mkdir()
    (inbox / "a..b" / "x..pdf").write_bytes(b"x")
    (inbox / "fax...pdf").write_bytes(b"y")
    assert names(inbox) == {"a..b/x..pdf", "fax...pdf"}


def test_reserved_folders_are_skipped_only_at_the_top(inbox):
    (inbox / "processing" / "token").mkdir(parents=True)
    (inbox / "processing" / "token" / "claimed.pdf").write_bytes(b"c")
    (inbox / "clinic" / "processing").mkdir(parents=True)
    (inbox / "clinic" / "processing" / "new.pdf").write_bytes(b"n")
    assert names(inbox) == {"clinic/processing/new.pdf"}


def test_ignored_names_and_folders_are_skipped(inbox):
    for name in [".hidden.pdf", "x.pdf.tmp", "Thumbs.db", "._x.pdf", "y.pdf.part", "z.pdf~"]:
        (inbox / name).write_bytes(b"junk")
    (inbox / ".snapshot").mkdir()
    (inbox / ".snapshot" / "old.pdf").write_bytes(b"old copy")
    (inbox / "@eaDir").mkdir()
    (inbox / "@eaDir" / "thumb.png").write_bytes(b"t")
    (inbox / "fax.pdf").write_bytes(b"fax")
    assert names(inbox) == {"fax.pdf"}


def test_special_files_are_skipped(inbox):
    os.mkfifo(inbox / "pipe.pdf")
    (inbox / "fax.pdf").write_bytes(b"fax")
    assert names(inbox) == {"fax.pdf"}


def test_skips_are_logged_by_count_once_and_without_names(inbox, tmp_path, caplog):
    outside = tmp_path / "Jane Doe"
    outside.mkdir()
    (inbox / "Jane Doe 1.pdf").symlink_to(outside)
    (inbox / "Jane Doe 2.pdf").symlink_to(outside)
    caplog.set_level(logging.DEBUG, logger="intake.watcher")
    names(inbox)
    names(inbox)
    skipped = [r for r in caplog.records if r.getMessage() == "inbox entries skipped"]
    assert len(skipped) == 1
    assert skipped[0].symlinks == 2
    assert "Jane" not in str(skipped[0].__dict__)
    (inbox / "Jane Doe 3.pdf").symlink_to(outside)
    names(inbox)
    assert len([r for r in caplog.records if r.getMessage() == "inbox entries skipped"]) == 2


def test_a_missing_inbox_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        list(candidate_files(tmp_path / "nope", {"processing"}))
