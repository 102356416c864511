"""A pinned run: what the window keeps of a run to compare it with others.

Its settings, its loss curves (the history rows) and a small picture of its
output, drawn by the window (packed 0xRRGGBB, so a file holds it as plain
integers).  At most MAX_PINS are kept; the newest pin goes last.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .config import MAX_HISTORY_ROWS, Config, ConfigError
from .snapshot import Metrics, frozen

MAX_PINS = 4
MAX_NAME_CHARS = 80
MAX_THUMBNAIL_SIDE = 256
MAX_EPOCH = 2**53  # whole numbers a float64 holds exactly


@dataclass(frozen=True, eq=False)
class PinnedRun:
    name: str
    config: Config
    history: np.ndarray  # (rows, 5): epoch, train/test loss, train/test accuracy
    thumbnail: np.ndarray  # (h, w) int64, 0xRRGGBB: the output at the pin's epoch

    @property
    def metrics(self) -> Metrics:
        """The numbers at the pin's last epoch."""
        return Metrics.of_row(self.history[-1], self.config.num_classes > 0)

    def to_tree(self) -> dict:
        """JSON values and arrays, for a file (io/experiment.py)."""
        return {
            "name": self.name,
            "config": self.config.to_dict(),
            "history": np.array(self.history, dtype=np.float64),
            "thumbnail": np.array(self.thumbnail, dtype=np.int64),
        }


def make_pin(name: str, config: Config, history: np.ndarray, thumbnail: np.ndarray) -> PinnedRun:
    """A pin, checked: one ValueError sentence if anything is off."""
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS:
        raise ValueError(f"a pinned run needs a name of 1 to {MAX_NAME_CHARS} characters")
    if not name.isprintable():
        raise ValueError("a pinned run's name must be printable text")
    h = np.asarray(history)
    if h.dtype != np.float64 or h.ndim != 2 or h.shape[1] != 5:
        raise ValueError("a pinned run's history must be rows of 5 numbers")
    epochs = h[:, 0]
    if not (
        0 < len(h) <= MAX_HISTORY_ROWS
        and np.isfinite(epochs).all()
        and (epochs == np.floor(epochs)).all()
        and epochs[0] >= 0
        and epochs[-1] <= MAX_EPOCH
        and (np.diff(epochs) > 0).all()
    ):
        raise ValueError("a pinned run's history must hold rising whole epochs from 0")
    t = np.asarray(thumbnail)
    if (
        t.dtype != np.int64
        or t.ndim != 2
        or not (0 < min(t.shape) <= max(t.shape) <= MAX_THUMBNAIL_SIDE)
    ):
        raise ValueError(
            f"a pinned run's picture must be at most {MAX_THUMBNAIL_SIDE} pixels a side"
        )
    if ((t < 0) | (t > 0xFFFFFF)).any():
        raise ValueError("a pinned run's picture must hold 0xRRGGBB colours")
    return PinnedRun(name.strip(), config, frozen(h), frozen(t, np.int64))


def pin_from_tree(tree: object) -> PinnedRun:
    """The pin `to_tree` gave, from a file: checked (ValueError, one sentence)."""
    if not isinstance(tree, Mapping) or set(tree) != {"name", "config", "history", "thumbnail"}:
        raise ValueError("a pinned run must hold exactly name, config, history and thumbnail")
    if not isinstance(tree["config"], dict):
        raise ValueError("a pinned run's config must be a mapping of options")
    try:
        config = Config.from_dict(tree["config"])
    except ConfigError as exc:
        raise ValueError(f"a pinned run's config: {exc}") from None
    return make_pin(tree["name"], config, tree["history"], tree["thumbnail"])
