"""Takes fax files from inbox folders exactly once, and only after they are completely written."""

from intake.watcher.claim import ClaimedFile, claim, claimed_count, release, stale_claims
from intake.watcher.service import Watcher, WatcherConfigError

__all__ = [
    "ClaimedFile",
    "Watcher",
    "WatcherConfigError",
    "claim",
    "claimed_count",
    "release",
    "stale_claims",
]
