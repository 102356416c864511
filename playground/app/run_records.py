"""What the window keeps of the runs beside the live one: the timeline's
checkpoints and the pinned runs.  Both belong to the experiment: they are
saved in its file, opened with it, and cleared by New.

The checkpoints come from the trainer (bridge/session.py `take_checkpoints`)
and are kept here within the store's memory budget (core/timeline.py).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from ..bridge.session import TrainingSession
from ..core.config import Config
from ..core.pins import MAX_PINS, PinnedRun
from ..core.timeline import Checkpoint, CheckpointStore

PIN_COLORS = ("#e8710a", "#1a73e8", "#9334e6", "#188038")  # the pins' curves, in pin order


class RunRecords(QObject):
    timeline_changed = Signal()  # checkpoints came or went
    pins_changed = Signal()

    def __init__(self, session: TrainingSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.timeline = CheckpointStore()
        self._pins: list[PinnedRun] = []
        self._config: Config | None = None  # the settings of the newest checkpoint

    # --- the timeline ----------------------------------------------------------------

    def collect(self) -> bool:
        """Keep the checkpoints the trainer sent since the last call; True if any."""
        came = self.session.take_checkpoints()
        for checkpoint in came:
            self.timeline.add(self._shared(checkpoint))
        if came:
            self.timeline_changed.emit()
        return bool(came)

    def _shared(self, checkpoint: Checkpoint) -> Checkpoint:
        """The checkpoint with the settings object of the one before, when equal:
        from the trainer's process each comes with a copy of its own."""
        if checkpoint.config == self._config:
            return dataclasses.replace(checkpoint, config=self._config)
        self._config = checkpoint.config
        return checkpoint

    def load(self, timeline: Iterable[Checkpoint], pins: Iterable[PinnedRun]) -> None:
        """A file's timeline and pins in place of these (after its state was loaded:
        the trainer's first checkpoint of it, already sent, is kept too)."""
        pending = self.session.take_checkpoints()
        self.timeline.load(timeline)
        for checkpoint in pending:
            self.timeline.add(checkpoint)
        self._pins = list(pins)[:MAX_PINS]
        self.timeline_changed.emit()
        self.pins_changed.emit()

    def follow(self, epoch: int | None) -> None:
        """The trainer went on from another state: keep the timeline up to `epoch`
        (a checkpoint of this run), or none of it (another run: None)."""
        pending = self.session.take_checkpoints()  # the new run's first, already sent
        if epoch is None:
            self.timeline.clear()
        else:
            self.timeline.truncate(epoch)
        for checkpoint in pending:
            self.timeline.add(self._shared(checkpoint))
        self.timeline_changed.emit()

    def timeline_of(self, state: dict) -> list[Checkpoint]:
        """The checkpoints that belong with a trainer state about to be saved: of
        its network, up to its epoch (after a rebuild the old ones may linger
        until the new run's first checkpoint comes)."""
        self.collect()
        sizes, epoch = Config.from_dict(state["config"]).layer_sizes, state["epoch"]
        return [
            c for c in self.timeline.checkpoints
            if c.config.layer_sizes == sizes and c.epoch <= epoch
        ]  # fmt: skip

    def timeline_of_live(self) -> list[Checkpoint]:
        """The checkpoints of the live run's network (an animation's frames)."""
        self.collect()
        checkpoints = self.timeline.checkpoints
        if not checkpoints:
            return []
        sizes = checkpoints[-1].config.layer_sizes  # the newest is the live run's
        return [c for c in checkpoints if c.config.layer_sizes == sizes]

    def clear(self) -> None:
        """A new experiment: no timeline, no pins."""
        self.load((), ())

    # --- pins ----------------------------------------------------------------------------

    @property
    def pins(self) -> list[PinnedRun]:
        return list(self._pins)

    def next_pin_name(self) -> str:
        """ "Run N", N one more than any pinned now (an unpinned name is not reused
        while a later one stays)."""
        numbers = [int(p.name[4:]) for p in self._pins if re.fullmatch(r"Run \d{1,6}", p.name)]
        return f"Run {max(numbers, default=0) + 1}"

    def pin_color(self, index: int) -> str:
        return PIN_COLORS[index % len(PIN_COLORS)]

    def add_pin(self, pin: PinnedRun) -> str | None:
        """Keep `pin`; None, or why not (four are pinned already)."""
        if len(self._pins) >= MAX_PINS:
            return f"{MAX_PINS} runs are pinned already: unpin one in Compare Runs first."
        self._pins.append(pin)
        self.pins_changed.emit()
        return None

    def remove_pin(self, index: int) -> None:
        if 0 <= index < len(self._pins):
            del self._pins[index]
            self.pins_changed.emit()
