"""The per-layer figures of successive diagnostics, as a `DiagnosticsLog` to plot.

The worker adds a row each time it takes diagnostics (a few times a second) and
puts `log()` in the snapshot.  A new generation (rebuild, reset, loaded file)
starts the log afresh; rows from steps a divergence undid are dropped, so the
log never runs ahead of the network it describes.
"""

from __future__ import annotations

import numpy as np

from .diagnostics_types import Diagnostics, DiagnosticsLog

MAX_LOG_ROWS = 4096  # past this, every other row goes (like the loss history)
_FIELDS = ("gradient_norm", "update_ratio", "weight_norm", "bias_norm")


class DiagnosticsRecorder:
    def __init__(self, max_rows: int = MAX_LOG_ROWS) -> None:
        self.max_rows = max(2, int(max_rows))
        self._generation: int | None = None
        self._rows: list[tuple[int, int, np.ndarray]] = []  # (epoch, step, (4, layers))

    def add(self, generation: int, diagnostics: Diagnostics) -> None:
        layers = diagnostics.layers
        figures = np.array([[getattr(layer, f) for layer in layers] for f in _FIELDS])
        fresh = generation != self._generation
        if fresh or (self._rows and self._rows[-1][2].shape != figures.shape):
            self._rows = []
            self._generation = generation
        step = diagnostics.step
        while self._rows and self._rows[-1][1] >= step:  # undone steps, or a repeat
            self._rows.pop()
        self._rows.append((diagnostics.epoch, step, figures))
        if len(self._rows) > self.max_rows:
            self._rows = self._rows[-1::-2][::-1]  # every other row, the newest kept

    def clear(self) -> None:
        self._rows = []
        self._generation = None

    def __len__(self) -> int:
        return len(self._rows)

    def log(self) -> DiagnosticsLog:
        """A read-only copy: epochs (rows,) and (rows, layers) arrays."""
        layers = self._rows[0][2].shape[1] if self._rows else 0
        stacked = np.array([r[2] for r in self._rows]).reshape(len(self._rows), 4, layers)
        epochs = np.array([r[0] for r in self._rows], dtype=np.float64)  # as History
        arrays = [epochs, *(np.ascontiguousarray(stacked[:, k]) for k in range(4))]
        for a in arrays:
            a.flags.writeable = False
        return DiagnosticsLog(*arrays)
