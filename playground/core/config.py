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

# --- the vocabularies -------------------------------------------------------

FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2", "cosx1", "cosx2")
ACTIVATIONS = (
    "relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid", "linear", "softplus", "swish", "sine",
)  # fmt: skip
LOSSES = ("mse", "cross-entropy")
PROBLEMS = ("classification", "regression")
CLASSIFICATION_DATASETS = (
    "circle", "xor", "gauss", "spiral", "moons", "checkerboard", "blobs", "spirals",
)  # fmt: skip
REGRESSION_DATASETS = ("plane", "multi-gauss", "line")
DATASETS = CLASSIFICATION_DATASETS + REGRESSION_DATASETS
MULTICLASS_DATASETS = ("blobs", "spirals")  # the ones whose class count is --classes
WEIGHT_INITS = (
    "zeros", "constant", "uniform", "normal", "tf_playground",
    "xavier_uniform", "xavier_normal", "he_uniform", "he_normal",
    "lecun_uniform", "lecun_normal", "orthogonal", "torch_default",
)  # fmt: skip
BIAS_INITS = ("zeros", "constant", "torch_default")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
SCHEDULES = ("constant", "step", "exponential", "cosine")
REGULARIZATIONS = ("none", "l1", "l2", "elastic")

# The scale a scheme uses when the person gives none: c for constant, the
# half-width a for uniform, the standard deviation for normal.
DEFAULT_INIT_SCALE = {"constant": 0.1, "uniform": 0.5, "normal": 0.1}
# How fast the learning rate decays when no gamma is given.
DEFAULT_LR_GAMMA = {"step": 0.5, "exponential": 0.99}

MAX_HIDDEN_LAYERS = 16
MAX_NEURONS = 64
MIN_POINTS, MAX_POINTS = 4, 100_000
MIN_CLASSES, MAX_CLASSES = 2, 8
MAX_EPOCHS = 10_000_000
MAX_SEED = 2**63 - 1
# Per-epoch history rows kept in full (40 MB); past this, older rows thin out two
# to one, so a run left going for hours stays small enough to save.
MAX_HISTORY_ROWS = 1 << 20


def next_seed(seed: int) -> int:
    """The seed after `seed`, wrapping to 0 past the largest."""
    return 0 if seed >= MAX_SEED else seed + 1


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


class ConfigError(ValueError):
    """A configuration value a person gave is not acceptable (one sentence).

    `field` names the option at fault when there is one, so the command line
    can name its flag and the window can point at its control.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _choices(values) -> str:
    return ", ".join(values)


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
    # network
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    loss: str = "mse"
    # initialization
    init: str = "tf_playground"
    init_scale: float | None = None  # c / a / sigma for constant / uniform / normal
    init_gain: float | None = None  # None: the activation's gain, as torch's calculate_gain
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
        _normalize(self)
        _validate(self)

    # --- derived values -----------------------------------------------------

    @property
    def num_classes(self) -> int:
        """Classes in the data (0 for regression)."""
        if self.problem == "regression":
            return 0
        return self.classes if self.dataset in MULTICLASS_DATASETS else 2

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
        """A copy with some fields changed (validated like a new one)."""
        if "problem" not in changes and "dataset" in changes:
            changes["problem"] = None  # let a new dataset pick its own kind
        return dataclasses.replace(self, **changes)

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
        for key in ("features", "hidden"):
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


# --- normalization and validation ------------------------------------------


def _set(cfg: Config, name: str, value) -> None:
    object.__setattr__(cfg, name, value)


def _normalize(cfg: Config) -> None:
    if isinstance(cfg.features, str):
        _set(cfg, "features", tuple(s for s in cfg.features.split(",") if s))
    if isinstance(cfg.hidden, (list, range)):
        _set(cfg, "hidden", tuple(cfg.hidden))
    if isinstance(cfg.features, list):
        _set(cfg, "features", tuple(cfg.features))
    if cfg.dataset in DATASETS and cfg.problem is None:
        kind = "regression" if cfg.dataset in REGRESSION_DATASETS else "classification"
        _set(cfg, "problem", kind)
    if cfg.points is None:
        _set(cfg, "points", 1200 if cfg.problem == "regression" else 500)
    # features in one canonical order, so the same set is the same network
    names = cfg.features
    valid = all(isinstance(f, str) for f in names) and set(names) <= set(FEATURES)
    if valid and len(set(names)) == len(names):
        _set(cfg, "features", tuple(f for f in FEATURES if f in names))


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _field_of(name: str) -> str:
    """'each hidden layer size' -> 'hidden': the option a message is about."""
    return {"each feature": "features", "each hidden layer size": "hidden"}.get(name, name)


def _check_choice(name: str, value, choices) -> None:
    if value not in choices:
        raise ConfigError(
            f"{name} must be one of {_choices(choices)} (got {value!r})", _field_of(name)
        )


def _check_range(name: str, value, lo, hi, integer=False) -> None:
    ok = _is_int(value) if integer else _is_number(value)
    if not ok or not (lo <= value <= hi):
        kind = "an integer" if integer else "a number"
        raise ConfigError(
            f"{name} must be {kind} from {lo} to {hi} (got {value!r})", _field_of(name)
        )


def _validate(cfg: Config) -> None:
    _check_choice("dataset", cfg.dataset, DATASETS)
    _check_choice("problem", cfg.problem, PROBLEMS)
    own_kind = "regression" if cfg.dataset in REGRESSION_DATASETS else "classification"
    if cfg.problem != own_kind:
        wanted = REGRESSION_DATASETS if cfg.problem == "regression" else CLASSIFICATION_DATASETS
        raise ConfigError(
            f"dataset {cfg.dataset!r} is for {own_kind}; for {cfg.problem} "
            f"choose one of {_choices(wanted)}",
            "dataset",
        )
    _check_range("classes", cfg.classes, MIN_CLASSES, MAX_CLASSES, integer=True)
    _check_range("points", cfg.points, MIN_POINTS, MAX_POINTS, integer=True)
    _check_range("noise", cfg.noise, 0.0, 1.0)
    _check_range("train_ratio", cfg.train_ratio, 0.1, 0.9)
    _check_range("data_seed", cfg.data_seed, 0, MAX_SEED, integer=True)
    _check_range("init_seed", cfg.init_seed, 0, MAX_SEED, integer=True)

    if not isinstance(cfg.features, tuple) or not cfg.features:
        raise ConfigError(f"features must name at least one of {_choices(FEATURES)}", "features")
    for name in cfg.features:
        _check_choice("each feature", name, FEATURES)
    if len(set(cfg.features)) != len(cfg.features):
        raise ConfigError("features must not repeat a feature", "features")
    if not isinstance(cfg.hidden, tuple) or len(cfg.hidden) > MAX_HIDDEN_LAYERS:
        raise ConfigError(f"hidden must list 0 to {MAX_HIDDEN_LAYERS} layer sizes", "hidden")
    for size in cfg.hidden:
        _check_range("each hidden layer size", size, 1, MAX_NEURONS, integer=True)
    _check_choice("activation", cfg.activation, ACTIVATIONS)
    _check_choice("loss", cfg.loss, LOSSES)
    if cfg.problem == "regression" and cfg.loss != "mse":
        raise ConfigError("loss must be mse for regression (cross-entropy needs classes)", "loss")

    _check_choice("init", cfg.init, WEIGHT_INITS)
    if cfg.init_scale is not None:
        _check_range("init_scale", cfg.init_scale, -1e6, 1e6)
        if cfg.init in ("uniform", "normal") and cfg.init_scale < 0:
            raise ConfigError(
                f"init_scale must not be negative for {cfg.init} (got {cfg.init_scale})",
                "init_scale",
            )
    if cfg.init_gain is not None:
        _check_range("init_gain", cfg.init_gain, 0.0, 1e6)
    _check_choice("bias_init", cfg.bias_init, BIAS_INITS)
    _check_range("bias_value", cfg.bias_value, -1e6, 1e6)

    _check_choice("optimizer", cfg.optimizer, OPTIMIZERS)
    _check_range("lr", cfg.lr, 0.0, 100.0)
    _check_range("momentum", cfg.momentum, 0.0, 0.999999)
    _check_range("rmsprop_alpha", cfg.rmsprop_alpha, 0.0, 0.999999)
    _check_range("beta1", cfg.beta1, 0.0, 0.999999)
    _check_range("beta2", cfg.beta2, 0.0, 0.999999999)
    _check_range("eps", cfg.eps, 1e-300, 1.0)
    _check_choice("schedule", cfg.schedule, SCHEDULES)
    if cfg.lr_gamma is not None:
        _check_range("lr_gamma", cfg.lr_gamma, 0.0, 1.0)
    _check_range("lr_period", cfg.lr_period, 1, MAX_EPOCHS, integer=True)
    _check_range("lr_min", cfg.lr_min, 0.0, 100.0)

    _check_choice("regularization", cfg.regularization, REGULARIZATIONS)
    _check_range("reg_rate", cfg.reg_rate, 0.0, 100.0)
    if not isinstance(cfg.reg_bias, bool):
        raise ConfigError(f"reg_bias must be true or false (got {cfg.reg_bias!r})", "reg_bias")

    if cfg.batch_size is not None:
        _check_range("batch_size", cfg.batch_size, 1, MAX_POINTS, integer=True)
    if not isinstance(cfg.shuffle, bool):
        raise ConfigError(f"shuffle must be true or false (got {cfg.shuffle!r})", "shuffle")
    _check_range("epochs", cfg.epochs, 0, MAX_EPOCHS, integer=True)
