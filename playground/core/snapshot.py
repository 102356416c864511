"""Immutable pictures of a trainer's state, safe to hand to another thread.

A `Snapshot` holds copies only (arrays marked read-only), so the window can
draw one while the trainer goes on changing its own arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import Config
from .datasets import Dataset
from .diagnostics_types import Diagnostics, DiagnosticsLog, Finding
from .features import SQUARE, Extent


def frozen(array, dtype=np.float64) -> np.ndarray:
    """A read-only copy."""
    out = np.array(array, dtype=dtype, copy=True)
    out.flags.writeable = False
    return out


@dataclass(frozen=True)
class Metrics:
    epoch: int
    train_loss: float
    test_loss: float
    train_accuracy: float | None = None  # classification only
    test_accuracy: float | None = None

    @classmethod
    def of_row(cls, row, classification: bool) -> Metrics:
        """The metrics of a history row: epoch, train/test loss, train/test accuracy."""
        epoch, train_loss, test_loss, train_acc, test_acc = (float(v) for v in row)
        return cls(
            epoch=int(epoch),
            train_loss=train_loss,
            test_loss=test_loss,
            train_accuracy=train_acc if classification else None,
            test_accuracy=test_acc if classification else None,
        )

    def as_dict(self) -> dict[str, float | None]:
        out: dict[str, float | None] = {
            "epoch": self.epoch,
            "train_loss": self.train_loss,
            "test_loss": self.test_loss,
        }
        if self.train_accuracy is not None:
            out["train_accuracy"] = self.train_accuracy
            out["test_accuracy"] = self.test_accuracy
        return out


@dataclass(frozen=True)
class History:
    """Per-epoch curves; index 0 is the untrained network (epoch 0)."""

    epochs: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_accuracy: np.ndarray | None = None
    test_accuracy: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.epochs)


@dataclass(frozen=True)
class Grids:
    """Every neuron's output over an R x R grid of the input square.

    layers[0] holds the input features, layers[-1] the network's outputs; each
    array has shape (R, R, units), indexed [x2 row from the bottom, x1 column].
    float32: these are for display, and a big network's grids are megabytes.
    """

    resolution: int
    layers: tuple[np.ndarray, ...]
    extent: Extent = SQUARE  # the square of the input plane they cover
    feature_extent: Extent = SQUARE  # the same, in the network's units (rescaled data)

    @property
    def output(self) -> np.ndarray:
        return self.layers[-1]


@dataclass(frozen=True)
class Snapshot:
    generation: int  # bumps on every rebuild or reset, so stale pictures can be dropped
    config: Config
    epoch: int
    step: int  # mini-batch steps since the last reset
    learning_rate: float
    metrics: Metrics
    weights: tuple[np.ndarray, ...]  # (out, in) per layer
    biases: tuple[np.ndarray, ...]  # (out,) per layer
    history: History
    # Every neuron's picture.  Costly, so not made for every snapshot: a
    # snapshot without new ones carries the last ones of its generation
    # (read-only, shared) and fresh_grids False.  None only when a caller of
    # Trainer.snapshot asked for none; the window's snapshots always have them.
    grids: Grids | None = None
    fresh_grids: bool = False  # True when grids were made for this snapshot
    dataset: Dataset | None = None  # immutable, shared rather than copied
    diverged: bool = False
    message: str = ""  # why training stopped, in plain words
    # Inside the network (dead, saturated, identical units, histograms, norms):
    # costly like grids, so made a few times a second and carried over between
    # (the newest of the generation); the log holds their per-layer figures
    # over time.  None where nobody asked for them.
    diagnostics: Diagnostics | None = None
    diagnostics_log: DiagnosticsLog | None = None
    findings: tuple[Finding, ...] = ()  # the doctor's, from those diagnostics
