"""What `Trainer.diagnostics()` and the doctor report: frozen values, safe to hand
to another thread (every array read-only), with no Qt and no behaviour.

Index conventions, the same everywhere (engine, command line, views):
* `LayerDiagnostics` i describes weight layer i, as the parameter files count
  them: `weights[i]` (out, in) feeds hidden layer i + 1's units (layer 0 feeds
  the first hidden layer); the last one feeds the outputs.
* Units count from 0 within their layer (people see them from 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

# what the histograms show, in the order the dock offers them
QUANTITIES = ("weights", "biases", "pre_activations", "activations", "gradients")
FINDING_KINDS = (
    "dead_units",
    "saturated_units",
    "symmetric_units",
    "vanishing_gradients",
    "exploding_gradients",
    "loss_plateau",
    "diverged",
)


@dataclass(frozen=True)
class Histogram:
    """Counts of values in bins; `edges` (bins + 1) are fixed per quantity so
    that frames compare (values outside fall in the first or last bin)."""

    edges: np.ndarray
    counts: np.ndarray  # int64


@dataclass(frozen=True)
class UnitStats:
    """Per unit of one layer, over the training points (arrays of length units)."""

    mean: np.ndarray  # of the unit's output
    low: np.ndarray  # smallest output
    high: np.ndarray  # largest output
    active: np.ndarray | None  # share of points with pre-activation > 0 (ReLU family)
    saturated: np.ndarray | None  # share within 2 % of the bounds (tanh, sigmoid)
    # bool: inactive on every training point with a slope there below 1/1000
    # (a ReLU whenever inactive; a leaky ReLU never): almost no gradient reaches it
    dead: np.ndarray
    # groups of units with equal incoming weights and bias (to 1e-12 relative):
    # they compute the same function and can never tell themselves apart
    symmetric_groups: tuple[tuple[int, ...], ...] = ()


@dataclass(frozen=True)
class LayerDiagnostics:
    histograms: Mapping[str, Histogram]  # by QUANTITIES name
    gradient_norm: float  # of the weights' and bias' gradient, over the training set
    update_ratio: float  # |last update| / |parameters|; NaN before the first step
    weight_norm: float
    bias_norm: float
    units: UnitStats  # of the units this layer feeds


@dataclass(frozen=True)
class Diagnostics:
    epoch: int
    step: int
    points: int  # training points the statistics are over
    of_points: int  # in the training set (more than `points` when sampled)
    activation: str  # of the hidden layers
    layers: tuple[LayerDiagnostics, ...]

    @property
    def points_words(self) -> str:
        """'250 training points', or of a sample, '2000 training points checked (of 90000)'."""
        if self.points == self.of_points:
            return f"{self.points} training points"
        return f"{self.points} training points checked (of {self.of_points})"

    @property
    def dead_units(self) -> int:
        """Dead hidden units, all layers together (the output layer is not counted)."""
        return sum(int(layer.units.dead.sum()) for layer in self.layers[:-1])


@dataclass(frozen=True)
class DiagnosticsLog:
    """Per-layer figures over time, one row each time diagnostics were taken:
    epochs (rows,), and (rows, layers) arrays.  Read-only, like History."""

    epochs: np.ndarray
    gradient_norm: np.ndarray
    update_ratio: np.ndarray
    weight_norm: np.ndarray
    bias_norm: np.ndarray

    def __len__(self) -> int:
        return len(self.epochs)


@dataclass(frozen=True)
class Remedy:
    """One click that may help: Config changes to propose, or a fresh start."""

    label: str  # "Leaky ReLU", "He initialization", "Reset"
    changes: Mapping[str, object] = field(default_factory=dict)  # {} with reset
    reset: bool = False  # start over from fresh weights (the next seed)
    why: str = ""  # a tooltip sentence


@dataclass(frozen=True)
class Finding:
    kind: str  # one of FINDING_KINDS
    message: str  # one sentence for a person, with the evidence in numbers
    layer: int | None = None  # weight layer, as LayerDiagnostics
    units: tuple[int, ...] = ()
    evidence: Mapping[str, float] = field(default_factory=dict)
    remedies: tuple[Remedy, ...] = ()
