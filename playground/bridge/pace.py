"""How fast the worker trains: the speed a person chose, and the speed measured.

Qt-free arithmetic, so it is tested without a thread.  Speed N means N epochs
per 1/60 s frame (0 = as fast as it goes): time earns credit, epochs spend it,
and at most one frame's worth is kept, so a stall is not followed by a burst.
"""

from __future__ import annotations

import math

from .publisher import FRAME

RATE_WINDOW = 0.5  # seconds over which epochs/s is measured


class Pace:
    def __init__(self) -> None:
        self.speed = 0  # epochs per frame; 0 = as fast as it goes
        # A float the worker thread rebinds and the GUI thread reads (one
        # reference store, atomic under the GIL); 0.0 while paused.
        self.epochs_per_second = 0.0
        self._credit, self._credit_at = 0.0, 0.0  # epochs earned (speed > 0), not yet trained
        self._rate_since, self._rate_epochs = 0.0, 0

    def start(self, now: float) -> None:
        """Training starts: the first epoch at once, even when slow; measure afresh."""
        self._credit, self._credit_at = 1.0, now
        self._rate_since, self._rate_epochs = now, 0

    def stop(self) -> None:
        self.epochs_per_second = 0.0

    def set_speed(self, epochs_per_frame: int, now: float) -> None:
        self.speed = epochs_per_frame
        self._credit = min(self._credit, max(epochs_per_frame, 1))
        self._credit_at = now

    def allowed(self, now: float) -> float:
        """Whole epochs that may be trained now (infinity at full speed)."""
        if not self.speed:
            return math.inf
        earned = (now - self._credit_at) * self.speed / FRAME
        self._credit = min(self._credit + earned, self.speed)
        self._credit_at = now
        return float(int(self._credit))

    def spend(self, epochs: int, now: float) -> None:
        """`epochs` were trained: pay for them, and count them for epochs/s."""
        self._credit -= epochs
        self._rate_epochs += epochs
        span = now - self._rate_since
        # with epochs slower than the window, wait for one rather than report 0
        if span >= RATE_WINDOW and (self._rate_epochs or span >= 5 * RATE_WINDOW):
            self.epochs_per_second = self._rate_epochs / span
            self._rate_since, self._rate_epochs = now, 0

    def wait_ms(self) -> int:
        """How long to sleep before the next epoch is earned (0 at full speed)."""
        missing = 1.0 - self._credit
        if not self.speed or missing <= 0:
            return 0
        return math.ceil(1000 * missing * FRAME / self.speed)
