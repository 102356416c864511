"""Pictures of a trainer that trains in another process: grids and diagnostics.

The trainer's process sends plain snapshots (parameters, metrics, history);
`PictureMaker` adds what costs: every neuron's picture (grids) and the
diagnostics with the doctor's findings.  It keeps a copy of the trainer
(same config, same data) whose parameters it sets from each snapshot, so
the pictures are exactly those the trainer would make, computed off the
trainer's time.  Within a budget: grids when the time since the last is at
least PICTURE_SHARE times their cost, diagnostics at most every
DIAGNOSTICS_EVERY seconds and at least DIAGNOSTICS_SHARE times their cost
apart; a new generation or a snapshot marked `fresh_grids` (a change to
show) gets grids at once.  No Qt here.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable

import numpy as np

from playground.core import Trainer
from playground.core.diagnostics_log import DiagnosticsRecorder
from playground.core.snapshot import Snapshot

from .publisher import DEFAULT_GRID_RESOLUTION, DIAGNOSTICS_EVERY, Costly, diagnosis

# The picture thread shares two cores with the trainer and the GUI thread: grids
# take at most 1/5 of a core, diagnostics 1/11 (a 16 x 64 network's cost 16 and
# 53 ms: ~12 new pictures and ~2 diagnostics a second)
PICTURE_SHARE = 4
DIAGNOSTICS_SHARE = 10


class PictureMaker:
    """Decides which pictures are due (`due`), makes them (`make`, in the link's
    picture thread) and attaches the newest of a generation to a snapshot
    (`attach`, in the reader thread).  `make` and `attach` may run at once."""

    def __init__(
        self,
        resolution: int = DEFAULT_GRID_RESOLUTION,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.resolution = resolution
        self.clock = clock
        self._copy: Trainer | None = None  # the trainer's twin, for its pictures
        self._grids = Costly(share=PICTURE_SHARE)
        self._diagnostics = Costly(at_least=DIAGNOSTICS_EVERY, share=DIAGNOSTICS_SHARE)
        self._recorder = DiagnosticsRecorder()
        self._lock = threading.Lock()
        self._extras: dict = {}  # the newest diagnostics, log and findings
        self._shown_grids: object = None  # the grids last attached

    def set_resolution(self, resolution: int) -> None:
        self.resolution = resolution
        self._grids.generation = -1  # new pictures at once, at the new size

    def due(self, snap: Snapshot, has_update: bool) -> tuple[bool, bool]:
        """(grids, diagnostics): which are due for `snap` (marked `fresh_grids`:
        a change to show, both at once)."""
        now = self.clock()
        urgent = snap.fresh_grids
        grids = urgent or self._grids.due(snap.generation, now)
        diagnostics = has_update and (urgent or self._diagnostics.due(snap.generation, now))
        return grids, diagnostics

    def make(
        self,
        snap: Snapshot,
        grids: bool,
        diagnostics: bool,
        settings_changed_at: int = 0,
        update: np.ndarray | None = None,
    ) -> None:
        """Make the pictures asked for, from `snap`'s parameters."""
        copy = self._twin(snap)
        if grids:
            start = self.clock()
            with np.errstate(all="ignore"):  # a network near divergence overflows
                made = copy.grids(self.resolution)
            with self._lock:
                self._grids.done(snap.generation, start, self.clock(), made)
        if diagnostics and update is not None:
            self._diagnose(copy, snap, settings_changed_at, update)

    def has_grids(self, generation: int) -> bool:
        """Whether there are grids of this generation to attach."""
        with self._lock:
            return self._grids.generation == generation

    def give_up(self, snap: Snapshot) -> None:
        """Making `snap`'s pictures failed: its generation is shown without them
        (and tried again only when they fall due)."""
        with self._lock:
            self._grids.done(snap.generation, self.clock(), self.clock(), None)

    def attach(self, snap: Snapshot) -> Snapshot:
        """`snap` with the newest grids and diagnostics of its generation
        (`fresh_grids`: grids not attached before)."""
        with self._lock:
            grids = self._grids.value if self._grids.generation == snap.generation else None
            extras = dict(self._extras) if self._extras.get("generation") == snap.generation else {}
        fresh = grids is not None and grids is not self._shown_grids
        if grids is not None:
            self._shown_grids = grids
        snap = dataclasses.replace(snap, grids=grids, fresh_grids=fresh)
        extras.pop("generation", None)
        return dataclasses.replace(snap, **extras) if extras else snap

    def _twin(self, snap: Snapshot) -> Trainer:
        """The copy of the trainer, its parameters those of `snap`."""
        copy = self._copy
        if copy is None or copy.config != snap.config or copy.dataset is not snap.dataset:
            copy = self._copy = Trainer(snap.config, snap.dataset)
        copy.network.set_parameters(list(zip(snap.weights, snap.biases, strict=True)))
        return copy

    def _diagnose(self, copy: Trainer, snap: Snapshot, changed_at: int, update) -> None:
        start = self.clock()
        extras = diagnosis(copy, snap, changed_at, self._recorder, update)
        with self._lock:
            self._extras = extras
            self._diagnostics.done(snap.generation, start, self.clock(), extras)
