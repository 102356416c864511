"""When the worker puts a snapshot in the mailbox, and with what.

Pictures of the neurons (grids) and diagnostics (dead units, histograms, the
doctor's findings) cost far more than the rest of a snapshot, so they are
made only now and then and the newest of the generation is carried over in
between: every snapshot has both, `fresh_grids` says when the grids are new.
No Qt here, so all of it is tested without an event loop.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from playground.core.diagnostics_log import DiagnosticsRecorder
from playground.core.doctor import examine
from playground.core.snapshot import Snapshot

from .mailbox import Mailbox

FRAME = 1 / 60  # at most one picture a frame
GRID_SHARE = 3  # wait >= 3x a picture's cost before the next: training keeps >= 75%
DIAGNOSTICS_EVERY = 0.25  # s: the marks, the dock and the doctor refresh 4 times a second
DEFAULT_GRID_RESOLUTION = 100
HISTORY_ROWS = 4000  # a loss plot needs no more; a long run's full history is megabytes


class Publisher:
    """Puts a trainer's snapshots into a mailbox, paced so pictures never starve training.

    While training runs, a picture is due only once the reader has taken the
    last one: the window draws ~33 frames a second while training, so pictures
    made faster than that (grids and all) would be thrown away unseen.

    Grids cost far more than the rest (a 100x100 grid through 8 layers of 32
    is ~30 ms), so a snapshot gets them only when the time since the last
    grids is at least GRID_SHARE times what those cost.  Diagnostics likewise,
    and at most every DIAGNOSTICS_EVERY seconds.  Pictures are a frame apart,
    or further if even plain ones grow costly (they copy the history, which
    grows every epoch).
    """

    def __init__(
        self,
        mailbox: Mailbox,
        resolution: int = DEFAULT_GRID_RESOLUTION,
        clock: Callable[[], float] = time.perf_counter,  # tests give one that ticks by rule
    ) -> None:
        self.mailbox = mailbox
        self.clock = clock
        self.resolution = resolution
        self.last = -math.inf  # when the last snapshot was put
        self._plain_cost = 0.0
        self._grids = _Costly()
        self._diagnostics = _Costly(at_least=DIAGNOSTICS_EVERY)
        self._recorder = DiagnosticsRecorder()
        self._extras: dict = {}  # the newest diagnostics, log and findings, carried over

    def next_due(self) -> float:
        """The perf_counter() time from which the next running picture may go
        (infinity while the last one waits to be taken)."""
        if self.mailbox.waiting():
            return math.inf
        return self.last + max(FRAME, GRID_SHARE * self._plain_cost)

    def set_resolution(self, resolution: int) -> None:
        self.resolution = resolution
        self._grids.cost = 0.0  # a new size has a new cost

    def publish(self, trainer, grids: bool) -> bool:
        """Put a snapshot, with new grids and diagnostics if asked (`grids`: a
        change to show at once) or affordable, else the last ones; True if it
        had new grids."""
        t0 = self.clock()
        generation = trainer.generation
        asked, grids = grids, grids or self._grids.due(generation, t0)
        # a network near divergence has outputs beyond float32: its grids get inf, no warning
        with np.errstate(over="ignore", invalid="ignore"):
            snapshot = trainer.snapshot(
                grid_resolution=self.resolution if grids else None,
                history_limit=HISTORY_ROWS,
            )
        now = self.clock()
        if grids:
            self._grids.done(generation, t0, now, snapshot.grids)
        else:
            self._plain_cost = now - t0
            snapshot = dataclasses.replace(snapshot, grids=self._grids.value)
        if asked or self._diagnostics.due(generation, now):
            self._take_diagnostics(trainer, snapshot)
        if self._extras.get("generation") == generation:
            extras = {k: v for k, v in self._extras.items() if k != "generation"}
            snapshot = dataclasses.replace(snapshot, **extras)
        self.last = now
        self.mailbox.put(snapshot)
        return grids

    def _take_diagnostics(self, trainer, snapshot: Snapshot) -> None:
        start = self.clock()
        with np.errstate(all="ignore"):  # a network near divergence overflows; it says so
            diagnostics = trainer.diagnostics()
            findings = examine(
                diagnostics,
                snapshot.history,
                snapshot.config,
                diverged=snapshot.diverged,
                message=snapshot.message,
                since_epoch=trainer.settings_changed_at,
            )
        self._recorder.add(snapshot.generation, diagnostics)
        self._extras = {
            "generation": snapshot.generation,
            "diagnostics": diagnostics,
            "diagnostics_log": self._recorder.log(),
            "findings": findings,
        }
        self._diagnostics.done(snapshot.generation, start, self.clock(), diagnostics)


class _Costly:
    """Something a snapshot carries that is made only now and then: when it was
    made, what it cost, and for which generation (a new one makes it at once)."""

    def __init__(self, at_least: float = 0.0) -> None:
        self.at_least = at_least  # seconds between two makings, whatever the cost
        self.cost, self.done_at, self.generation = 0.0, -math.inf, -1
        self.value: Any = None  # Grids or Diagnostics

    def due(self, generation: int, now: float) -> bool:
        if generation != self.generation:
            return True
        return now - self.done_at >= max(self.at_least, GRID_SHARE * self.cost)

    def done(self, generation: int, started: float, now: float, value: object) -> None:
        self.cost, self.done_at, self.generation, self.value = now - started, now, generation, value
