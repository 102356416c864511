"""The one configuration object every part of the app agrees on.

`Config` is a frozen dataclass: the GUI, the command line, JSON files and the
Python API all build one, and the trainer only ever reads it.  Validation
happens once, here, and every error is a single sentence naming the field and
what it accepts, so the CLI and the GUI can show it to a person as is.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .config_rules import (
    APPLIES,
    CHOICES,
    LINKED,
    ConfigError,
    normalize,
    validate,
    with_regression_loss,
)

# The vocabularies and ranges live in vocabulary.py; they are re-exported here,
# where most code has always looked for them.
from .vocabulary import (  # noqa: F401  (re-exported)
    ACTIVATIONS,
    ALL_DATASETS,
    BIAS_INITS,
    CLASSIFICATION_DATASETS,
    CUSTOM_DATASET,
    DATASETS,
    DATASETS_OF,
    DEFAULT_INIT_SCALE,
    DEFAULT_LR_GAMMA,
    FEATURES,
    GAIN_INITS,
    GAMMA_SCHEDULES,
    LOSSES,
    MAX_CLASSES,
    MAX_EPOCHS,
    MAX_GRID_RESOLUTION,
    MAX_HIDDEN_LAYERS,
    MAX_HISTORY_ROWS,
    MAX_NEURONS,
    MAX_POINTS,
    MAX_SEED,
    MIN_CLASSES,
    MIN_GRID_RESOLUTION,
    MIN_POINTS,
    MOMENTUM_OPTIMIZERS,
    MULTICLASS_DATASETS,
    OPTIMIZERS,
    OWN_DATASET,
    PERIOD_SCHEDULES,
    PROBLEMS,
    RANGES,
    REGRESSION_DATASETS,
    REGRESSION_LOSSES,
    REGULARIZATIONS,
    SCALED_INITS,
    SCHEDULES,
    WEIGHT_INITS,
    next_seed,
)

# Fields that can change while a network trains without starting it over:
# the optimizer reads them afresh each step.  Everything else rebuilds.
HOT_FIELDS = frozenset(
    {
        "optimizer", "lr", "momentum", "rmsprop_alpha", "beta1", "beta2", "eps",
        "schedule", "lr_gamma", "lr_period", "lr_min",
        "regularization", "reg_rate", "reg_bias",
        "batch_size", "shuffle", "epochs",
    }
)  # fmt: skip


# the settings that make the points (a change to one makes new data)
DATA_FIELDS = (
    "dataset", "problem", "classes", "points", "noise", "train_ratio", "data_seed", "shift",
    "formula",
)  # fmt: skip


@dataclass(frozen=True)
class Config:
    """Everything that defines one experiment.  All fields have defaults.

    Defaults follow TensorFlow Playground (circle data, features x1 and x2,
    hidden layers 4 and 2, tanh, squared error, U(-0.5, 0.5) weights, biases
    0.1, plain SGD at 0.03, batch 10), so a fresh `Config()` is its demo.
    """

    # data
    dataset: str = "circle"
    problem: str | None = None  # None: the dataset's own kind
    classes: int = 3  # only blobs and spirals use it; the others are binary
    points: int | None = None  # None: 500 for classification, 1200 for regression
    noise: float = 0.0
    train_ratio: float = 0.5
    data_seed: int = 0
    shift: tuple[float, float] = (0.0, 0.0)  # built-in data moved by (dx, dy) once made
    formula: str = ""  # the custom dataset's label, e.g. "x1 * x2 > 0"
    rescale: bool = False  # the network sees the data mapped onto the usual square
    # network
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    loss: str = "mse"
    # initialization
    init: str = "tf_playground"
    init_scale: float | None = None  # c / a / sigma for constant / uniform / normal
    init_gain: float | None = None  # None: the activation's gain, as torch's calculate_gain
    use_bias: bool = True  # False: no biases at all (PyTorch's Linear(..., bias=False))
    bias_init: str = "constant"
    bias_value: float = 0.1
    init_seed: int = 0  # also seeds the mini-batch order
    # optimizer
    optimizer: str = "sgd"
    lr: float = 0.03
    momentum: float = 0.9
    rmsprop_alpha: float = 0.99
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    schedule: str = "constant"
    lr_gamma: float | None = None  # step and exponential decay factor
    lr_period: int = 100  # epochs per step decay; cosine half-period
    lr_min: float = 0.0  # cosine floor
    # regularization
    regularization: str = "none"
    reg_rate: float = 0.0
    reg_bias: bool = False
    # training
    batch_size: int | None = 10  # None: the whole training set
    shuffle: bool = True
    epochs: int = 200

    def __post_init__(self) -> None:
        normalize(self)
        validate(self)

    # --- derived values -----------------------------------------------------

    @property
    def num_classes(self) -> int:
        """Classes in the data (0 for regression)."""
        if self.problem == "regression":
            return 0
        return self.classes if self.dataset in (*MULTICLASS_DATASETS, OWN_DATASET) else 2

    @property
    def num_outputs(self) -> int:
        return self.num_classes if self.num_classes > 2 else 1

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Inputs, each hidden layer, outputs."""
        return (len(self.features), *self.hidden, self.num_outputs)

    @property
    def output_activation(self) -> str:
        if self.problem == "regression":
            return "linear"
        if self.loss == "mse":
            return "tanh"
        return "softmax" if self.num_outputs > 1 else "sigmoid"

    @property
    def effective_init_scale(self) -> float:
        if self.init_scale is not None:
            return self.init_scale
        return DEFAULT_INIT_SCALE.get(self.init, 1.0)

    @property
    def effective_lr_gamma(self) -> float:
        if self.lr_gamma is not None:
            return self.lr_gamma
        return DEFAULT_LR_GAMMA.get(self.schedule, 1.0)

    # --- changing and comparing --------------------------------------------

    def replace(self, **changes) -> Config:
        """A copy with some fields changed (validated like a new one).

        A change also resets what depends on it, unless that is given too:
        a new dataset brings its own problem kind, a regression problem its
        only loss (mse), a new weight scheme its own default scale, a new
        schedule its own default decay.  So any single change a person makes
        is either accepted whole or refused, never half-applied.
        """
        leaving_own = (
            self.dataset == OWN_DATASET and changes.get("dataset", OWN_DATASET) != OWN_DATASET
        )
        if leaving_own:  # own points' count and classes mean nothing to generated data
            changes.setdefault("points", None)
            changes.setdefault("classes", 3)
        for field, dependent, value in LINKED:
            changed = field in changes and changes[field] != getattr(self, field)
            if changed and dependent not in changes:
                changes[dependent] = value
        new = dataclasses.replace(self, **with_regression_loss(self, changes))
        return new

    # --- which settings count ------------------------------------------------

    def applies(self, field: str) -> bool:
        """Whether `field` has any effect under the other settings (e.g. momentum
        only for the momentum optimizers); the rest are kept, unused."""
        rule = APPLIES.get(field)
        return True if rule is None else rule(self)

    def choices(self, field: str) -> tuple:
        """The values a choice field may take here (loss: mse only for regression)."""
        if field == "loss" and self.problem == "regression":
            return REGRESSION_LOSSES
        return CHOICES[field]

    def needs_rebuild(self, other: Config) -> bool:
        """True when going from self to other means starting training over."""
        return any(
            getattr(self, f.name) != getattr(other, f.name)
            for f in dataclasses.fields(self)
            if f.name not in HOT_FIELDS
        )

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        if out["batch_size"] is None:
            out["batch_size"] = "full"
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], base: Config | None = None) -> Config:
        """Build from a JSON-like mapping; unknown keys are an error."""
        if not isinstance(data, dict):
            raise ConfigError("a configuration must be a JSON object of option names and values")
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(f"unknown configuration option {unknown[0]!r}", unknown[0])
        values = dict(data)
        for key in ("features", "hidden", "shift"):
            if isinstance(values.get(key), list):
                values[key] = tuple(values[key])
        if values.get("batch_size") == "full":
            values["batch_size"] = None
        base = base or cls()
        if "dataset" in values and "problem" not in values:
            values["problem"] = None
        try:
            return dataclasses.replace(base, **values)
        except TypeError as exc:  # a wrong type reached a comparison
            raise ConfigError(str(exc)) from None
