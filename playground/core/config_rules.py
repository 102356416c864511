"""What makes a `Config` valid, and the rules between its fields.

Kept apart from config.py so the dataclass reads as a list of settings; these
functions see a Config only through its attributes.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from .formula import FormulaError, formula_points, parse_formula
from .vocabulary import (
    ACTIVATIONS,
    ALL_DATASETS,
    BIAS_INITS,
    CLASSIFICATION_DATASETS,
    CUSTOM_DATASET,
    DATASETS,
    DOMAIN,
    FEATURES,
    GAIN_INITS,
    GAMMA_SCHEDULES,
    LOSSES,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
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
)

if TYPE_CHECKING:
    from .config import Config


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


# --- normalization and validation ------------------------------------------


def _set(cfg: Config, name: str, value) -> None:
    object.__setattr__(cfg, name, value)


def normalize(cfg: Config) -> None:
    if isinstance(cfg.features, str):
        _set(cfg, "features", tuple(s for s in cfg.features.split(",") if s))
    if isinstance(cfg.hidden, (list, range)):
        _set(cfg, "hidden", tuple(cfg.hidden))
    if isinstance(cfg.features, list):
        _set(cfg, "features", tuple(cfg.features))
    if isinstance(cfg.shift, list):
        _set(cfg, "shift", tuple(cfg.shift))
    if cfg.problem is None:
        kind = dataset_kind(cfg.dataset, cfg.formula)
        if kind is not None:
            _set(cfg, "problem", kind)
    if cfg.points is None:
        _set(cfg, "points", 1200 if cfg.problem == "regression" else 500)
    # features in one canonical order, so the same set is the same network
    names = cfg.features
    valid = all(isinstance(f, str) for f in names) and set(names) <= set(FEATURES)
    if valid and len(set(names)) == len(names):
        _set(cfg, "features", tuple(f for f in FEATURES if f in names))


def dataset_kind(dataset: str, formula: str = "") -> str | None:
    """The problem a dataset makes by itself: a built-in's own, a formula's
    (a truth value classifies), own points' classification unless said; None
    when that cannot be told (an unknown name, a formula that does not parse)."""
    if dataset in REGRESSION_DATASETS:
        return "regression"
    if dataset in CLASSIFICATION_DATASETS or dataset == OWN_DATASET:
        return "classification"
    if dataset == CUSTOM_DATASET and isinstance(formula, str):
        classifies, _ = _formula(formula)
        if classifies is not None:
            return "classification" if classifies else "regression"
    return None


@functools.lru_cache(maxsize=64)
def _formula(text: str) -> tuple[bool | None, str]:
    """(whether it classifies, "") or (None, why not): a Config is made often,
    a formula parsed once."""
    try:
        return parse_formula(text).classification, ""
    except FormulaError as exc:
        return None, str(exc)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _field_of(name: str) -> str:
    """'each hidden layer size' -> 'hidden': the option a message is about."""
    fields = {"each feature": "features", "each hidden layer size": "hidden"}
    return fields.get(name, "shift" if name.startswith("shift ") else name)


def _check_choice(name: str, value, choices) -> None:
    if value not in choices:
        raise ConfigError(
            f"{name} must be one of {_choices(choices)} (got {value!r})", _field_of(name)
        )


def _check_range(name: str, value, lo=None, hi=None, integer=None) -> None:
    """value within RANGES[name] (or the bounds given), else one sentence."""
    field = _field_of(name)
    if lo is None:
        lo, hi, integer = RANGES[field]
    ok = _is_int(value) if integer else _is_number(value)
    if not ok or not (lo <= value <= hi):
        kind = "an integer" if integer else "a number"
        raise ConfigError(f"{name} must be {kind} from {lo} to {hi} (got {value!r})", field)


@functools.lru_cache(maxsize=16)
def _formula_data(
    text: str, points: int, noise: float, seed: int, shift: tuple[float, float]
) -> str:
    """Why a formula cannot label the points these settings draw, or "": known
    before the data is made, so a formula that fails there is refused whole."""
    try:
        formula_points(text, points, noise, np.random.default_rng(seed), DOMAIN, shift)
    except FormulaError as exc:
        return str(exc)
    return ""


def check_hidden(hidden) -> None:
    """The hidden layers' sizes, alone (a panel checks what is typed before it proposes)."""
    if not isinstance(hidden, tuple) or len(hidden) > MAX_HIDDEN_LAYERS:
        raise ConfigError(f"hidden must list 0 to {MAX_HIDDEN_LAYERS} layer sizes", "hidden")
    for size in hidden:
        _check_range("each hidden layer size", size, 1, MAX_NEURONS, True)


def formula_problem(text: str, points: int, noise: float, seed: int, shift) -> str:
    """Why a formula cannot make the custom dataset these settings draw, or "":
    the Config's own checks, for a panel to say under the field before it proposes."""
    classifies, why = _formula(text)
    if classifies is None:
        return why
    return _formula_data(text, points, float(noise), seed, (float(shift[0]), float(shift[1])))


def _check_formula(cfg: Config) -> None:
    if not isinstance(cfg.formula, str):
        raise ConfigError(f"formula must be text (got {cfg.formula!r})", "formula")
    if cfg.dataset == CUSTOM_DATASET:
        classifies, why = _formula(cfg.formula)
        if classifies is None:
            raise ConfigError(why.rstrip("."), "formula")


def _check_formula_data(cfg: Config) -> None:
    """After the point count, noise and seed are checked: the labels themselves."""
    if cfg.dataset == CUSTOM_DATASET:
        shift = (float(cfg.shift[0]), float(cfg.shift[1]))
        why = _formula_data(cfg.formula, cfg.points, float(cfg.noise), cfg.data_seed, shift)
        if why:
            raise ConfigError(why.rstrip("."), "formula")


def _check_shift(cfg: Config) -> None:
    shift = cfg.shift
    if not (isinstance(shift, tuple) and len(shift) == 2):
        raise ConfigError(f"shift must be two numbers, dx and dy (got {shift!r})", "shift")
    lo, hi, _ = RANGES["shift"]
    for name, value in zip(("dx", "dy"), shift, strict=True):
        _check_range(f"shift {name}", value, lo, hi, False)


def validate(cfg: Config) -> None:
    _check_choice("dataset", cfg.dataset, ALL_DATASETS)
    _check_formula(cfg)  # before the problem, which a formula that does not parse leaves unset
    _check_choice("problem", cfg.problem, PROBLEMS)
    _check_shift(cfg)
    own_kind = dataset_kind(cfg.dataset, cfg.formula)
    if cfg.dataset == CUSTOM_DATASET and cfg.problem != own_kind:
        raise ConfigError(
            f"the formula {cfg.formula!r} makes {own_kind}, not {cfg.problem}: "
            + ("a comparison such as x1 > 0 classifies" if own_kind == "regression"
               else "a number such as sin(x1) is a regression target"),
            "formula",
        )  # fmt: skip
    if cfg.dataset in DATASETS and cfg.problem != own_kind:
        wanted = REGRESSION_DATASETS if cfg.problem == "regression" else CLASSIFICATION_DATASETS
        raise ConfigError(
            f"dataset {cfg.dataset!r} is for {own_kind}; for {cfg.problem} "
            f"choose one of {_choices(wanted)}",
            "dataset",
        )
    _check_range("classes", cfg.classes)
    _check_range("points", cfg.points)
    _check_range("noise", cfg.noise)
    _check_range("train_ratio", cfg.train_ratio)
    _check_range("data_seed", cfg.data_seed)
    _check_formula_data(cfg)
    _check_range("init_seed", cfg.init_seed)

    if not isinstance(cfg.features, tuple) or not cfg.features:
        raise ConfigError(f"features must name at least one of {_choices(FEATURES)}", "features")
    for name in cfg.features:
        _check_choice("each feature", name, FEATURES)
    if len(set(cfg.features)) != len(cfg.features):
        raise ConfigError("features must not repeat a feature", "features")
    check_hidden(cfg.hidden)
    _check_choice("activation", cfg.activation, ACTIVATIONS)
    _check_choice("loss", cfg.loss, LOSSES)
    if cfg.problem == "regression" and cfg.loss != "mse":
        raise ConfigError("loss must be mse for regression (cross-entropy needs classes)", "loss")

    _check_choice("init", cfg.init, WEIGHT_INITS)
    if cfg.init_scale is not None:
        _check_range("init_scale", cfg.init_scale)
        if cfg.init in ("uniform", "normal") and cfg.init_scale < 0:
            raise ConfigError(
                f"init_scale must not be negative for {cfg.init} (got {cfg.init_scale})",
                "init_scale",
            )
    if cfg.init_gain is not None:
        _check_range("init_gain", cfg.init_gain)
    if not isinstance(cfg.use_bias, bool):
        raise ConfigError(f"use_bias must be true or false (got {cfg.use_bias!r})", "use_bias")
    _check_choice("bias_init", cfg.bias_init, BIAS_INITS)
    _check_range("bias_value", cfg.bias_value)

    _check_choice("optimizer", cfg.optimizer, OPTIMIZERS)
    _check_range("lr", cfg.lr)
    _check_range("momentum", cfg.momentum)
    _check_range("rmsprop_alpha", cfg.rmsprop_alpha)
    _check_range("beta1", cfg.beta1)
    _check_range("beta2", cfg.beta2)
    _check_range("eps", cfg.eps)
    _check_choice("schedule", cfg.schedule, SCHEDULES)
    if cfg.lr_gamma is not None:
        _check_range("lr_gamma", cfg.lr_gamma)
    _check_range("lr_period", cfg.lr_period)
    _check_range("lr_min", cfg.lr_min)

    _check_choice("regularization", cfg.regularization, REGULARIZATIONS)
    _check_range("reg_rate", cfg.reg_rate)
    if not isinstance(cfg.reg_bias, bool):
        raise ConfigError(f"reg_bias must be true or false (got {cfg.reg_bias!r})", "reg_bias")

    if cfg.batch_size is not None:
        _check_range("batch_size", cfg.batch_size)
    if not isinstance(cfg.rescale, bool):
        raise ConfigError(f"rescale must be true or false (got {cfg.rescale!r})", "rescale")
    if not isinstance(cfg.shuffle, bool):
        raise ConfigError(f"shuffle must be true or false (got {cfg.shuffle!r})", "shuffle")
    _check_range("epochs", cfg.epochs)


# --- the rules between fields ------------------------------------------------

# (field, dependent, value): changing field resets dependent unless both are given
LINKED = (
    ("dataset", "problem", None),  # a new dataset picks its own kind
    ("formula", "problem", None),  # and so does a new formula
    ("init", "init_scale", None),  # a new scheme starts at its own default scale
    ("schedule", "lr_gamma", None),  # a new schedule starts at its own default decay
)


def with_regression_loss(cfg: Config, changes: dict) -> dict:
    """A change that makes the problem a regression brings mse with it, unless a
    loss is asked for too (then the Config refuses cross-entropy itself)."""
    if "loss" in changes or cfg.loss in REGRESSION_LOSSES:
        return changes
    problem = changes.get("problem", cfg.problem)
    dataset = changes.get("dataset", cfg.dataset)
    formula = changes.get("formula", cfg.formula)
    if problem is None:
        problem = dataset_kind(dataset, formula)
    if problem == "regression":
        return {**changes, "loss": "mse"}
    return changes


APPLIES = {
    "classes": lambda c: c.dataset in MULTICLASS_DATASETS,
    # own points are what they are: nothing makes them again
    "points": lambda c: c.dataset != OWN_DATASET,
    "noise": lambda c: c.dataset != OWN_DATASET,
    "train_ratio": lambda c: c.dataset != OWN_DATASET,
    "data_seed": lambda c: c.dataset != OWN_DATASET,
    "shift": lambda c: c.dataset != OWN_DATASET,
    "formula": lambda c: c.dataset == CUSTOM_DATASET,
    "init_scale": lambda c: c.init in SCALED_INITS,
    "init_gain": lambda c: c.init in GAIN_INITS,
    "bias_init": lambda c: c.use_bias,
    "bias_value": lambda c: c.use_bias and c.bias_init == "constant",
    "reg_bias": lambda c: c.use_bias and c.regularization != "none",
    "momentum": lambda c: c.optimizer in MOMENTUM_OPTIMIZERS,
    "beta1": lambda c: c.optimizer == "adam",
    "beta2": lambda c: c.optimizer == "adam",
    "rmsprop_alpha": lambda c: c.optimizer == "rmsprop",
    "eps": lambda c: c.optimizer in ("adam", "rmsprop"),
    "lr_gamma": lambda c: c.schedule in GAMMA_SCHEDULES,
    "lr_period": lambda c: c.schedule in PERIOD_SCHEDULES,
    "lr_min": lambda c: c.schedule == "cosine",
    "reg_rate": lambda c: c.regularization != "none",
}

CHOICES = {
    "dataset": ALL_DATASETS,
    "problem": PROBLEMS,
    "features": FEATURES,
    "activation": ACTIVATIONS,
    "loss": LOSSES,
    "init": WEIGHT_INITS,
    "bias_init": BIAS_INITS,
    "optimizer": OPTIMIZERS,
    "schedule": SCHEDULES,
    "regularization": REGULARIZATIONS,
}
