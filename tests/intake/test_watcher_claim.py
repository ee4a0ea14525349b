from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import pytest

from intake.watcher.claim import (
    ClaimedFile,
    claim,
    claimed_count,
    new_token,
    release,
    stale_claims,
)

TOKEN = re.compile(r"^\d{8}T\d{6}-[A-Za-z0-9._-]+-\d+-[0-9a-f]{16}$")


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    (inbox / "processing").mkdir(parents=True)
    return inbox


def token_dirs(inbox: Path) -> list[Path]:
    return sorted((inbox / "processing").iterdir())


def backdate(folder: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(folder, (then, then))


def test_claim_moves_the_file_into_its_own_folder(inbox):
    source = inbox / "sub" / "Order for J. Doe.pdf"
    source.parent.mkdir()
    source.write_bytes(b"%PDF-1.4 order")
    claimed = claim(inbox, source)
    assert claimed is not None
    assert TOKEN.match(claimed.token)
    assert claimed.path == inbox / "processing" / claimed.token / "Order for J. Doe.pdf"
    assert claimed.original_name == "Order for J. Doe.pdf"
    assert claimed.inbox == inbox
    assert claimed.path.read_bytes() == b"%PDF-1.4 order"
    assert not source.exists()


def test_tokens_are_unique(inbox):
    tokens = set()
    for i in range(50):
        (inbox / f"{i}.pdf").write_bytes(b"x")
        claimed = claim(inbox, inbox / f"{i}.pdf")
        assert claimed is not None
        tokens.add(claimed.token)
    assert len(tokens) == 50


def test_claiming_a_vanished_file_leaves_nothing_behind(inbox):
    assert claim(inbox, inbox / "gone.pdf") is None
    assert token_dirs(inbox) == []


def test_a_symlink_is_never_claimed(inbox, tmp_path):
    (tmp_path / "target.pdf").write_bytes(b"t")
    (inbox / "link.pdf").symlink_to(tmp_path / "target.pdf")
    assert claim(inbox, inbox / "link.pdf") is None
    assert (inbox / "link.pdf").is_symlink()
    assert token_dirs(inbox) == []


def test_claim_recreates_a_missing_processing_folder(inbox):
    (inbox / "processing").rmdir()
    (inbox / "a.pdf").write_bytes(b"a")
    assert claim(inbox, inbox / "a.pdf") is not None


def race(inbox: Path, source: Path, contenders: int) -> list[ClaimedFile | None]:
    barrier = threading.Barrier(contenders)
    results: list[ClaimedFile | None] = []
    lock = threading.Lock()

    def contend() -> None:
        barrier.wait()
        result = claim(inbox, source)
        with lock:
            results.append(result)

    threads = [threading.Thread(target=contend) for _ in range(contenders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_racing_claimers_exactly_one_wins(inbox):
    for round_ in range(25):
        source = inbox / f"fax-{round_}.pdf"
        source.write_bytes(b"payload %d" % round_)
        results = race(inbox, source, contenders=8)
        assert len(results) == 8
        winners = [r for r in results if r is not None]
        assert len(winners) == 1
        assert winners[0].path.read_bytes() == b"payload %d" % round_
    # Losers removed their empty folders: one folder per file, each holding that file.
    folders = token_dirs(inbox)
    assert len(folders) == 25
    assert all(len(list(f.iterdir())) == 1 for f in folders)


def test_release_removes_only_an_empty_claim_folder(inbox):
    (inbox / "a.pdf").write_bytes(b"a")
    claimed = claim(inbox, inbox / "a.pdf")
    assert claimed is not None
    with pytest.raises(OSError):
        release(claimed)
    assert claimed.path.read_bytes() == b"a"
    claimed.path.unlink()
    release(claimed)
    assert token_dirs(inbox) == []
    release(claimed)  # idempotent: a re-run after a crash must not fail here


def test_release_refuses_a_path_outside_its_claim_folder(inbox):
    forged = ClaimedFile(inbox / "a.pdf", "a.pdf", inbox, "token")
    with pytest.raises(ValueError):
        release(forged)


def test_stale_claims_are_found_with_their_token_and_retried_later(inbox):
    (inbox / "old.pdf").write_bytes(b"old")
    (inbox / "new.pdf").write_bytes(b"new")
    old = claim(inbox, inbox / "old.pdf")
    new = claim(inbox, inbox / "new.pdf")
    assert old is not None and new is not None
    backdate(old.path.parent, 700)
    assert list(stale_claims(inbox, 600)) == [old]
    # Handed out again just now: not stale again until another full period has passed.
    assert list(stale_claims(inbox, 600)) == []
    backdate(new.path.parent, 700)
    assert list(stale_claims(inbox, 600)) == [new]
    backdate(old.path.parent, 700)
    backdate(new.path.parent, 700)
    assert set(stale_claims(inbox, 600)) == {old, new}


def test_empty_stale_claim_folders_are_tidied(inbox):
    leftover = inbox / "processing" / "20240101T000000-host-1-00000000deadbeef"
    leftover.mkdir()
    fresh = inbox / "processing" / "20240101T000000-host-1-00000000cafebabe"
    fresh.mkdir()
    backdate(leftover, 700)
    assert list(stale_claims(inbox, 600)) == []
    assert token_dirs(inbox) == [fresh]


def test_stale_claims_of_an_inbox_without_processing_folder(tmp_path):
    assert list(stale_claims(tmp_path, 1)) == []


def _claim_of(inbox: Path, name: str, token: str) -> ClaimedFile:
    """A claim as another process left it: its folder, and the file inside."""
    folder = inbox / "processing" / token
    folder.mkdir(parents=True)
    (folder / name).write_bytes(b"fax")
    return ClaimedFile(folder / name, name, inbox, token)


def _dead_pid() -> int:
    pid = 4_000_000  # above Linux's pid_max: no process has it
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    return pid


def test_a_claim_whose_process_is_gone_is_recovered_at_once(inbox):
    token = new_token()
    host, life = token.split("-")[1:-2], token.rsplit("-", 1)[1]
    dead = f"20260101T000000-{'-'.join(host)}-{_dead_pid()}-{life}"
    orphan = _claim_of(inbox, "orphan.pdf", dead)
    # Our own fresh claim is ours to finish: not handed out again.
    (inbox / "mine.pdf").write_bytes(b"mine")
    mine = claim(inbox, inbox / "mine.pdf")
    assert mine is not None
    assert list(stale_claims(inbox, 600)) == [orphan]


def test_a_claim_of_this_pid_in_an_earlier_life_is_recovered_at_once(inbox):
    # A restarted container's watcher often gets its old pid back.
    token = new_token()
    earlier_life = token[:-16] + "0" * 8 + token[-8:]
    assert earlier_life.rsplit("-", 1)[1][:8] != token.rsplit("-", 1)[1][:8]
    orphan = _claim_of(inbox, "orphan.pdf", earlier_life)
    assert list(stale_claims(inbox, 600)) == [orphan]


def test_a_claim_made_on_another_host_waits_for_its_age(inbox):
    other = _claim_of(inbox, "shared.pdf", f"20260101T000000-elsewhere-{_dead_pid()}-" + "ab" * 8)
    assert list(stale_claims(inbox, 600)) == []
    backdate(other.path.parent, 700)
    assert list(stale_claims(inbox, 600)) == [other]
    assert claimed_count(inbox) == 1
