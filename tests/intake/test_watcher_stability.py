from __future__ import annotations

from pathlib import Path

import pytest

from intake.watcher.stability import StabilityTracker


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


P = Path("/inbox/fax.pdf")


def test_unchanged_file_is_stable_only_after_the_delay():
    clock = FakeClock()
    tracker = StabilityTracker(1.0, clock)
    assert not tracker.observe(P, 10, 5)
    clock.now += 0.5
    assert not tracker.observe(P, 10, 5)
    clock.now += 0.49
    assert not tracker.observe(P, 10, 5)
    clock.now += 0.01
    assert tracker.observe(P, 10, 5)


def test_a_file_that_keeps_growing_is_never_ready():
    clock = FakeClock()
    tracker = StabilityTracker(1.0, clock)
    for step in range(200):
        assert not tracker.observe(P, step * 100, step)
        clock.now += 0.5


@pytest.mark.parametrize(("size", "mtime_ns"), [(11, 5), (10, 6)], ids=["size", "mtime"])
def test_any_change_restarts_the_clock(size, mtime_ns):
    clock = FakeClock()
    tracker = StabilityTracker(1.0, clock)
    tracker.observe(P, 10, 5)
    clock.now += 0.9
    assert not tracker.observe(P, size, mtime_ns)
    clock.now += 0.9
    assert not tracker.observe(P, size, mtime_ns)
    clock.now += 0.1
    assert tracker.observe(P, size, mtime_ns)


def test_a_rewrite_back_to_the_old_size_still_restarts_the_clock():
    clock = FakeClock()
    tracker = StabilityTracker(1.0, clock)
    tracker.observe(P, 10, 5)
    clock.now += 0.6
    tracker.observe(P, 20, 6)
    clock.now += 0.6
    assert not tracker.observe(P, 10, 5)


def test_zero_byte_files_get_no_shortcut():
    clock = FakeClock()
    tracker = StabilityTracker(2.0, clock)
    assert not tracker.observe(P, 0, 1)
    clock.now += 1.9
    assert not tracker.observe(P, 0, 1)
    clock.now += 0.1
    assert tracker.observe(P, 0, 1)


def test_zero_delay_is_ready_on_first_sight():
    assert StabilityTracker(0.0, FakeClock()).observe(P, 10, 5)


def test_files_are_tracked_independently():
    clock = FakeClock()
    tracker = StabilityTracker(1.0, clock)
    other = Path("/inbox/other.pdf")
    tracker.observe(P, 1, 1)
    clock.now += 0.7
    tracker.observe(other, 1, 1)
    clock.now += 0.3
    assert tracker.observe(P, 1, 1)
    assert not tracker.observe(other, 1, 1)


def test_forget_and_prune_start_files_over():
    clock = FakeClock()
    tracker = StabilityTracker(1.0, clock)
    other = Path("/inbox/other.pdf")
    tracker.observe(P, 1, 1)
    tracker.observe(other, 1, 1)
    clock.now += 5
    tracker.forget(P)
    tracker.prune({P})
    assert len(tracker) == 0
    assert not tracker.observe(P, 1, 1)
    assert not tracker.observe(other, 1, 1)
    tracker.forget(Path("/never/seen"))


def test_negative_delay_is_refused():
    with pytest.raises(ValueError, match="negative"):
        StabilityTracker(-1.0)
