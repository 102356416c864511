"""The window's heartbeat: how often it looks for snapshots while training.

With the trainer in its own process, the clock keeps the GUI thread within
its budget of a core: it looks less often after a second over budget, more
often after one well under, within PROCESS_FRAME_MS.  With a trainer thread
it keeps the fixed pace that leaves the interpreter lock to the trainer."""

import pytest
from PySide6.QtCore import QObject, Signal

from playground.app import frame_clock
from playground.app.frame_clock import (
    FRAME_MS,
    GUI_BUDGET,
    PROCESS_FRAME_MS,
    TRAINING_FRAME_MS,
    FrameClock,
)


class FakeSession(QObject):
    running_changed = Signal(bool)

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where
        self.is_running = True
        self.epochs_per_second = 10.0

    def latest(self):
        return None


class FakeExperiment:
    def take(self, snapshot) -> None:
        raise AssertionError("no snapshot was given")


def spend_a_second(clock: FrameClock, monkeypatch, share: float) -> None:
    """One RATE_EVERY_S window in which the GUI thread used `share` of a core."""
    now = {"wall": 100.0, "cpu": 10.0}
    monkeypatch.setattr(frame_clock.time, "perf_counter", lambda: now["wall"])
    monkeypatch.setattr(frame_clock.time, "thread_time", lambda: now["cpu"])
    clock._since, clock._cpu_since = now["wall"], now["cpu"]
    now["wall"] += 1.0
    now["cpu"] += share
    clock.tick()


@pytest.mark.parametrize("share", [0.9, 0.5])
def test_over_budget_it_looks_less_often_down_to_its_slowest(qtbot, monkeypatch, share):
    clock = FrameClock(FakeSession("process"), FakeExperiment())
    clock._pace(True)
    assert clock._timer.interval() == PROCESS_FRAME_MS[0]
    intervals = []
    for _ in range(12):
        spend_a_second(clock, monkeypatch, share)
        intervals.append(clock._timer.interval())
    assert clock.gui_share == pytest.approx(share)
    assert intervals == sorted(intervals) and intervals[0] > PROCESS_FRAME_MS[0]
    assert intervals[-1] == PROCESS_FRAME_MS[1]  # never slower than this


def test_under_budget_it_looks_more_often_up_to_its_fastest(qtbot, monkeypatch):
    clock = FrameClock(FakeSession("process"), FakeExperiment())
    spend_a_second(clock, monkeypatch, 0.9)
    spend_a_second(clock, monkeypatch, 0.9)
    slow = clock._timer.interval()
    within = 0.9 * GUI_BUDGET  # within budget, but not well under: it stays
    spend_a_second(clock, monkeypatch, within)
    assert clock._timer.interval() == slow
    for _ in range(30):
        spend_a_second(clock, monkeypatch, 0.05)
    assert clock._timer.interval() == PROCESS_FRAME_MS[0]


def test_a_trainer_thread_keeps_the_fixed_pace(qtbot, monkeypatch):
    session = FakeSession("thread")
    clock = FrameClock(session, FakeExperiment())
    clock._pace(True)
    spend_a_second(clock, monkeypatch, 0.9)
    assert clock._timer.interval() == TRAINING_FRAME_MS
    clock._pace(False)
    assert clock._timer.interval() == FRAME_MS
