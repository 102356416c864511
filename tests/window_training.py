"""Training a window's run to an epoch, for tests of the timeline and the Runs menu."""

from __future__ import annotations


def train_to(qtbot, win, epoch: int) -> None:
    """Play until the window shows `epoch` with training stopped there, then take
    the checkpoints that came (the timeline looks four times a second)."""
    win.session.set_stop_at(epoch)
    win.set_playing(True)
    qtbot.waitUntil(
        lambda: (
            win.experiment.snapshot is not None
            and win.experiment.snapshot.epoch >= epoch
            and not win.session.is_running
        ),
        timeout=20000,
    )
    win.session.set_stop_at(0)
    win.timeline.refresh()
