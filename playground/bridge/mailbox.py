"""A latest-value slot between two threads: the worker puts, the GUI takes.

Only the newest value matters (a picture of the training now), so `put`
overwrites instead of queueing: a slow reader skips pictures, it never falls
behind.  `Publisher` decides when the worker puts one, and whether it brings
new grids or the last ones again.  No Qt here, so all of it can be tested
without an event loop.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from playground.core.snapshot import Grids

FRAME = 1 / 60  # at most one picture a frame
GRID_SHARE = 3  # wait >= 3x a picture's cost before the next: training keeps >= 75%
DEFAULT_GRID_RESOLUTION = 100
HISTORY_ROWS = 4000  # a loss plot needs no more; a long run's full history is megabytes


class Mailbox:
    """Thread-safe holder of the newest value.

    `merge(pending, new)`, if given, runs (under the lock) when `put` would
    overwrite a value nobody has taken yet, and returns what to store instead.
    """

    def __init__(self, merge: Callable[[Any, Any], Any] | None = None) -> None:
        self._lock = threading.Lock()
        self._value: Any = None
        self._fresh = False  # True while the stored value has not been taken
        self._merge = merge

    def put(self, value: Any) -> None:
        """Store value as the newest, replacing whatever was there."""
        with self._lock:
            if self._fresh and self._merge is not None:
                value = self._merge(self._value, value)
            self._value = value
            self._fresh = True

    def take(self) -> Any:
        """The newest value not yet taken, or None (then None until the next put)."""
        with self._lock:
            if not self._fresh:
                return None
            self._fresh = False
            return self._value

    def waiting(self) -> bool:
        """True while the newest value has not been taken."""
        return self._fresh  # one bool read: no lock needed


def keep_fresh_grids(pending, new):
    """Merge for a mailbox of Snapshots: a picture nobody has seen stays "fresh".

    A snapshot without new grids carries the last ones, marked not fresh.  If
    the one it overwrites brought those very grids and was never taken, the
    reader has not drawn them yet: the newer snapshot must say they are fresh.
    """
    if pending.fresh_grids and not new.fresh_grids and new.grids is pending.grids:
        return dataclasses.replace(new, fresh_grids=True)
    return new


class Publisher:
    """Puts a trainer's snapshots into a mailbox, paced so pictures never starve training.

    While training runs, a picture is due only once the reader has taken the
    last one: the window draws ~33 frames a second while training, so pictures
    made faster than that (grids and all) would be thrown away unseen.

    Grids cost far more than the rest (a 100x100 grid through 8 layers of 32
    is ~30 ms), so a snapshot gets them only when the time since the last
    grids is at least GRID_SHARE times what those cost.  Pictures are a frame
    apart, or further if even grid-less ones grow costly (they copy the
    history, which grows every epoch).
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
        self._grid_cost, self._grid_done_at = 0.0, -math.inf
        self._grids: Grids | None = None  # the last ones made, attached until new ones come
        self._grid_generation = -1  # the first picture of every generation has grids

    def next_due(self) -> float:
        """The perf_counter() time from which the next running picture may go
        (infinity while the last one waits to be taken)."""
        if self.mailbox.waiting():
            return math.inf
        return self.last + max(FRAME, GRID_SHARE * self._plain_cost)

    def set_resolution(self, resolution: int) -> None:
        self.resolution = resolution
        self._grid_cost = 0.0  # a new size has a new cost

    def publish(self, trainer, grids: bool) -> bool:
        """Put a snapshot, with new grids if asked or affordable (else the last
        ones, marked not fresh); True if it had new ones."""
        t0 = self.clock()
        grids = grids or self._grids_affordable(trainer.generation, t0)
        # a network near divergence has outputs beyond float32: its grids get inf, no warning
        with np.errstate(over="ignore", invalid="ignore"):
            snapshot = trainer.snapshot(
                grid_resolution=self.resolution if grids else None,
                history_limit=HISTORY_ROWS,
            )
        now = self.clock()
        if grids:
            self._grid_cost, self._grid_done_at = now - t0, now
            self._grid_generation = snapshot.generation
            self._grids = snapshot.grids
        else:
            self._plain_cost = now - t0
            snapshot = dataclasses.replace(snapshot, grids=self._grids)
        self.last = now
        self.mailbox.put(snapshot)
        return grids

    def _grids_affordable(self, generation: int, now: float) -> bool:
        if generation != self._grid_generation:
            return True
        return now - self._grid_done_at >= GRID_SHARE * self._grid_cost
