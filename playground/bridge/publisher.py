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

    With `pictures=False` (a trainer in its own process) it makes neither:
    the window's picture maker does, from the parameters (pictures.py), and
    `fresh_grids` on a snapshot asks it for grids at once (a change to show).
    """

    def __init__(
        self,
        mailbox: Mailbox,
        resolution: int = DEFAULT_GRID_RESOLUTION,
        clock: Callable[[], float] = time.perf_counter,  # tests give one that ticks by rule
        pictures: bool = True,
    ) -> None:
        self.mailbox = mailbox
        self.pictures = pictures
        self.frame = FRAME  # seconds between two pictures at least
        self.clock = clock
        self.resolution = resolution
        self.last = -math.inf  # when the last snapshot was put
        self._plain_cost = 0.0
        self._grids = Costly()
        self._diagnostics = Costly(at_least=DIAGNOSTICS_EVERY)
        self._recorder = DiagnosticsRecorder()
        self._extras: dict = {}  # the newest diagnostics, log and findings, carried over

    def next_due(self) -> float:
        """The perf_counter() time from which the next running picture may go
        (infinity while the last one waits to be taken)."""
        if self.mailbox.waiting():
            return math.inf
        return self.last + max(self.frame, GRID_SHARE * self._plain_cost)

    def set_resolution(self, resolution: int) -> None:
        self.resolution = resolution
        self._grids.cost = 0.0  # a new size has a new cost

    def publish(self, trainer, grids: bool) -> bool:
        """Put a snapshot, with new grids and diagnostics if asked (`grids`: a
        change to show at once) or affordable, else the last ones; True if it
        had new grids."""
        t0 = self.clock()
        if not self.pictures:
            snapshot = trainer.snapshot(history_limit=HISTORY_ROWS)
            self.last = self.clock()
            self._plain_cost = self.last - t0
            self.mailbox.put(dataclasses.replace(snapshot, fresh_grids=grids))
            return grids
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
        self._extras = diagnosis(trainer, snapshot, trainer.settings_changed_at, self._recorder)
        self._diagnostics.done(snapshot.generation, start, self.clock(), self._extras)


def diagnosis(
    trainer, snapshot: Snapshot, since_epoch: int, recorder: DiagnosticsRecorder, update=None
) -> dict:
    """What a snapshot carries of the inside of `trainer`'s network: its
    diagnostics, their log so far (kept by `recorder`) and the doctor's
    findings, with the generation they belong to.  `update`: the last update
    of a trainer elsewhere, whose twin `trainer` is (pictures.py)."""
    with np.errstate(all="ignore"):  # a network near divergence overflows; it says so
        if update is None:
            diagnostics = trainer.diagnostics()
        else:
            diagnostics = trainer.diagnostics(update, epoch=snapshot.epoch, step=snapshot.step)
        findings = examine(
            diagnostics,
            snapshot.history,
            snapshot.config,
            diverged=snapshot.diverged,
            message=snapshot.message,
            since_epoch=since_epoch,
        )
    recorder.add(snapshot.generation, diagnostics)
    return {
        "generation": snapshot.generation,
        "diagnostics": diagnostics,
        "diagnostics_log": recorder.log(),
        "findings": findings,
    }


class Costly:
    """Something a snapshot carries that is made only now and then: when it was
    made, what it cost, and for which generation (a new one makes it at once)."""

    def __init__(self, at_least: float = 0.0, share: float = GRID_SHARE) -> None:
        self.at_least = at_least  # seconds between two makings, whatever the cost
        self.share = share  # and at least this many times their cost
        self.cost, self.done_at, self.generation = 0.0, -math.inf, -1
        self.value: Any = None  # Grids or Diagnostics

    def due(self, generation: int, now: float) -> bool:
        if generation != self.generation:
            return True
        return now - self.done_at >= max(self.at_least, self.share * self.cost)

    def done(self, generation: int, started: float, now: float, value: object) -> None:
        self.cost, self.done_at, self.generation, self.value = now - started, now, generation, value
