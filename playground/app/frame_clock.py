"""The window's heartbeat: once a frame, the newest snapshot goes to the experiment.

The trainer thread puts pictures in a latest-value mailbox; this clock takes
them on the GUI thread at a fixed pace and counts the frames that brought a
new one, for the status bar's "N epochs/s · M fps".
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from ..bridge.session import TrainingSession
from .experiment import Experiment

FRAME_MS = 16  # at most ~60 frames a second when idle (hover, edits)
# While training, both threads share one interpreter lock: Qt paints without it,
# but each frame's update runs Python (~1-3 ms) while the trainer waits.  Measured
# with benchmarks/bench_window.py: 33 frames a second keeps in-app training at
# ~0.8x headless; 40 a second costs it ~0.1 more.
TRAINING_FRAME_MS = 30
# A trainer in its own process (the default) shares no lock with the window:
# the clock looks as often as keeps the GUI thread within GUI_BUDGET of a core
# (its own CPU time, measured every RATE_EVERY_S), between these bounds: up to
# ~60 looks a second, and never fewer than ~30, whatever a frame costs.
PROCESS_FRAME_MS = (16, 33)
GUI_BUDGET = 1 / 3
RATE_EVERY_S = 1.0  # how often the status read-out is worked out anew


class FrameClock(QObject):
    """Polls `session.latest()` every frame and hands snapshots to `experiment.take`."""

    rate_text = Signal(str)  # "812 epochs/s  ·  33 fps", or "paused"

    def __init__(
        self, session: TrainingSession, experiment: Experiment, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.experiment = experiment
        self.fps = 0.0
        self.gui_share = 0.0  # of a core, the GUI thread's, over the last RATE_EVERY_S
        self._frames = 0
        self._since = time.perf_counter()
        self._cpu_since = time.thread_time()
        self._training_ms = float(PROCESS_FRAME_MS[0])
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self.tick)
        session.running_changed.connect(self._pace)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def tick(self) -> bool:
        """One frame: hand over the newest snapshot, if any; True when there was one."""
        snapshot = self.session.latest()
        if snapshot is not None:
            self.experiment.take(snapshot)
        self._count(snapshot is not None)
        return snapshot is not None

    def _pace(self, running: bool) -> None:
        process = self.session.where == "process"
        training = round(self._training_ms) if process else TRAINING_FRAME_MS
        self._timer.setInterval(training if running else FRAME_MS)

    def _budget(self) -> None:
        """Look less often when the GUI thread went over its budget, more when under."""
        low, high = PROCESS_FRAME_MS
        if self.gui_share > GUI_BUDGET:
            self._training_ms = min(high, self._training_ms * 1.25)
        elif self.gui_share < 0.8 * GUI_BUDGET:
            self._training_ms = max(low, self._training_ms / 1.1)
        self._pace(True)

    def _count(self, drew: bool) -> None:
        self._frames += drew
        now = time.perf_counter()
        if now - self._since < RATE_EVERY_S:
            return
        cpu = time.thread_time()
        self.fps = self._frames / (now - self._since)
        self.gui_share = (cpu - self._cpu_since) / (now - self._since)
        self._frames, self._since, self._cpu_since = 0, now, cpu
        if self.session.is_running and self.session.where == "process":
            self._budget()
        if self.session.is_running:
            rate = self.session.epochs_per_second
            self.rate_text.emit(f"{rate:,.0f} epochs/s  ·  {self.fps:.0f} fps")
        else:
            self.rate_text.emit("paused")
