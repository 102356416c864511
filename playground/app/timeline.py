"""The timeline at work: scrubbing back through checkpoints, continuing from
one, and pinning the run.

A checkpoint is pictured by a trainer kept for that alone (same settings and
points as the live run): its parameters become the checkpoint's and it makes
the neurons' pictures, so the views show exactly that epoch's network.  The
loss plot keeps the whole run and marks the epoch shown.  Scrubbing pauses
training; playing, editing or "Now" goes back to the live run.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from ..core import Trainer
from ..core.pins import make_pin
from ..core.snapshot import History, Snapshot
from ..core.timeline import Checkpoint, rewind
from ..views.loss_view import LossView
from ..views.run_thumbnail import output_thumbnail
from ..views.timeline_bar import TimelineBar
from .experiment import Experiment, grid_resolution_for

POLL_MS = 250  # checkpoints come a few times a second at most: look as often


class TimelineController(QObject):
    said = Signal(str)

    def __init__(
        self,
        experiment: Experiment,
        bar: TimelineBar,
        loss_view: LossView,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.experiment = experiment
        self.records = experiment.records
        self.bar = bar
        self.loss_view = loss_view
        self._viewer: Trainer | None = None  # pictures checkpoints
        self._viewer_key: tuple = ()
        self._wanted: int | None = None  # the epoch to show next (scrubbing coalesces)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.refresh)
        self._poll.start()
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.timeout.connect(self._show_wanted)
        bar.scrubbed.connect(self.show_epoch)
        bar.now_wanted.connect(experiment.leave_past)
        bar.continue_wanted.connect(self.continue_from_here)
        bar.pin_wanted.connect(self.pin)
        experiment.snapshot_changed.connect(self._follow)
        self.records.pins_changed.connect(self._show_pins)
        self.records.timeline_changed.connect(self._show_timeline)

    def stop(self) -> None:
        self._poll.stop()
        self._show_timer.stop()

    # --- the timeline ----------------------------------------------------------------

    def refresh(self) -> None:
        """Take the checkpoints that came and show the timeline as it is."""
        self.records.collect()
        self._show_timeline()

    def _show_timeline(self) -> None:
        live = self.experiment.snapshot
        self.bar.set_epochs(self.records.timeline.epochs, live.epoch if live is not None else 0)

    def show_epoch(self, epoch: int) -> None:
        """Show the checkpoint at (or nearest) `epoch`; training pauses."""
        self._wanted = epoch
        if not self._show_timer.isActive():  # a drag: at most one picture an event loop turn
            self._show_timer.start(0)

    def _show_wanted(self) -> None:
        epoch, self._wanted = self._wanted, None
        live = self.experiment.snapshot
        if epoch is None or live is None:
            return
        checkpoint = self.records.timeline.nearest(epoch)
        if checkpoint is None:
            return
        self.experiment.session.pause()
        snap = self.picture(checkpoint, live)
        if snap is None:
            self.said.emit("That checkpoint is of another network; it cannot be shown.")
            self.bar.set_viewing(self.bar.viewing)  # the slider back where it was
            return
        self.experiment.show_past(snap)
        self.bar.set_viewing(checkpoint.epoch)
        self.loss_view.set_marker(checkpoint.epoch)

    def picture(self, checkpoint: Checkpoint, live: Snapshot) -> Snapshot | None:
        """The snapshot of `checkpoint` as the views draw it: its network and
        pictures, the live run's whole loss curves (the plot marks the epoch)."""
        viewer = self._viewer_for(live)
        try:
            snap = viewer.show_checkpoint(checkpoint, grid_resolution_for(live.config))
        except ValueError:  # of another network (a rebuild not yet pictured)
            return None
        return dataclasses.replace(
            snap, generation=live.generation, history=live.history, dataset=live.dataset
        )

    def _viewer_for(self, live: Snapshot) -> Trainer:
        key = (live.generation, live.config, live.dataset)
        if self._viewer is None or key != self._viewer_key:
            self._viewer = Trainer(live.config, live.dataset)
            self._viewer_key = key
        return self._viewer

    def _follow(self, snapshot: Snapshot) -> None:
        if self.experiment.past is None and self.bar.viewing is not None:
            self.bar.set_viewing(None)  # back to the live run
            self.loss_view.set_marker(None)

    def continue_from_here(self) -> None:
        """Train on from the checkpoint shown: the run after it is replaced."""
        epoch = self.bar.viewing
        checkpoint = self.records.timeline.at(epoch) if epoch is not None else None
        if checkpoint is None:
            if epoch is not None:  # gone meanwhile (a new run began): say so, show now
                self.said.emit(f"The checkpoint of epoch {epoch:,} is gone; this is the live run.")
                self.experiment.leave_past()
            return
        state = self.experiment.fetch_state()
        if state is None:
            self.said.emit("The trainer has stopped; training cannot go on.")
            return
        refused = self.experiment.go_on_from(rewind(state, checkpoint))
        if refused is not None:
            self.said.emit(f"Cannot continue from epoch {epoch}: {refused}")
            return
        self.experiment.session.play()
        self.said.emit(f"Training on from epoch {checkpoint.epoch:,}.")

    # --- pins --------------------------------------------------------------------------

    def pin(self) -> None:
        """Pin the live run: its curves, settings and a picture of its output."""
        live = self.experiment.snapshot
        if live is None:
            return
        try:
            pin = make_pin(
                self.records.next_pin_name(), live.config, history_rows(live.history),
                output_thumbnail(live),
            )  # fmt: skip
        except ValueError as exc:
            self.said.emit(f"Cannot pin this run: {exc}")
            return
        refused = self.records.add_pin(pin)
        self.said.emit(
            refused
            or f"Pinned as “{pin.name}” (epoch {live.epoch:,}): "
            "its test loss stays in the loss plot; Runs ▸ Compare puts the pins side by side."
        )

    def _show_pins(self) -> None:
        curves = [
            (pin.history[:, 0], pin.history[:, 2], self.records.pin_color(i))
            for i, pin in enumerate(self.records.pins)
        ]
        self.loss_view.set_pinned(curves)


def history_rows(h: History) -> np.ndarray:
    """A History as (rows, 5) float64: epoch, train/test loss, train/test accuracy."""
    nan = np.full(len(h), np.nan)
    columns = (h.epochs, h.train_loss, h.test_loss, h.train_accuracy, h.test_accuracy)
    return np.column_stack([nan if c is None else np.asarray(c, dtype=np.float64) for c in columns])
