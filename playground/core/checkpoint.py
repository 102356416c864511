"""Checking a saved trainer state before anything is built from it.

`Trainer.state_dict()` gives plain values and array copies, and
`Trainer.from_state()` builds a trainer from them.  A state may come from a
file, so everything is checked here first: a bad state is one ValueError
sentence, and no trainer.  The checks are the trainer's own invariants (one
history row per epoch, a cursor inside the epoch's order, ...), not only
types: a state that passes trains on exactly as the saved trainer would have.

The state, version 1 (arrays are NumPy arrays, everything else JSON values):

    config        Config.to_dict()
    dataset       x_train (n, 2) float64, y_train (n,) int64 class indices or
                  float64 targets, x_test, y_test likewise, num_classes
    params        the network's flat parameters (float64, finite)
    optimizer     Optimizer.state_dict()
    shuffle_rng   the mini-batch order's PCG64 bit_generator.state
    epoch, steps, cursor      epochs done, batches done, points done this epoch
    order         mid-epoch: this epoch's permutation of the training points
    epoch_lr      mid-epoch: the learning rate this epoch started with
    checkpoint    mid-epoch: {params, optimizer, steps} at the epoch's start,
                  where a divergence falls back to
    history       (epoch + 1, 5) float64 rows: epoch, train/test loss, train/test accuracy
    diverged, message
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np

from .config import MAX_HISTORY_ROWS, MAX_POINTS, MIN_POINTS, Config
from .datasets import MAX_CLASS_NAME_CHARS, Dataset, check_coordinates
from .optimizers import OptimizerState, make_optimizer

STATE_KEYS = frozenset(
    {
        "config", "dataset", "params", "optimizer", "shuffle_rng", "epoch", "steps", "cursor",
        "order", "epoch_lr", "checkpoint", "history", "diverged", "message",
    }
)  # fmt: skip
MID_EPOCH_KEYS = ("order", "epoch_lr", "checkpoint")  # None at an epoch boundary
DATASET_KEYS = ("x_train", "y_train", "x_test", "y_test", "num_classes")
CHECKPOINT_KEYS = frozenset({"params", "optimizer", "steps"})
MAX_COUNT = 2**63 - 1  # epochs, steps, Adam's t: larger ones overflow float maths (beta**t)
MAX_MESSAGE = 2000


class PCG64Counter(TypedDict):
    state: int
    inc: int


class PCG64State(TypedDict):
    """numpy's PCG64 `bit_generator.state` (the same keys as numpy's own stub type)."""

    bit_generator: str
    state: PCG64Counter
    has_uint32: int
    uinteger: int


@dataclass(frozen=True)
class MidEpoch:
    """Where a trainer stopped inside an epoch (all of it or nothing: see MID_EPOCH_KEYS)."""

    order: np.ndarray  # this epoch's permutation of the training points
    epoch_lr: float  # the learning rate the epoch started with
    checkpoint: tuple[np.ndarray, OptimizerState, int]  # params, optimizer, steps at its start


@dataclass(frozen=True)
class CheckedState:
    """A state that passed `check_state`, with its own copies of every array."""

    config: Config
    dataset: Dataset
    params: np.ndarray
    optimizer: OptimizerState
    shuffle_rng: PCG64State
    epoch: int
    steps: int
    cursor: int
    mid_epoch: MidEpoch | None  # None at an epoch boundary (cursor 0)
    history: np.ndarray
    diverged: bool
    message: str


def parameter_count(config: Config) -> int:
    """Weights and biases of config's network: (in + 1) * out per layer."""
    return sum((i + 1) * o for i, o in itertools.pairwise(config.layer_sizes))


def check_state(state) -> CheckedState:
    """The state, checked and copied; ValueError (one sentence) if anything is off."""
    try:
        return _check(state)
    except ValueError as exc:  # one line, however odd the value quoted in it
        text = " ".join(str(exc).split())
        raise ValueError(text if len(text) <= 300 else text[:297] + "...") from None


def _check(state) -> CheckedState:
    if not isinstance(state, Mapping):
        raise ValueError("a trainer state must be a mapping of names to values")
    keys = set(state)
    if keys != STATE_KEYS:
        missing, unknown = sorted(STATE_KEYS - keys), sorted(map(str, keys - STATE_KEYS))
        raise ValueError(
            f"the trainer state lacks {missing[0]!r}"
            if missing
            else f"the trainer state has an unknown entry {unknown[0]!r}"
        )
    config = _config(state["config"])
    dataset = _dataset(state["dataset"], config)
    size = parameter_count(config)
    epoch, steps = _count("epoch", state["epoch"]), _count("steps", state["steps"])
    cursor = _count("cursor", state["cursor"])
    n_train = len(dataset.x_train)
    if cursor >= n_train:
        raise ValueError(f"cursor must be below the {n_train} training points (got {cursor})")
    diverged, message = state["diverged"], state["message"]
    if not isinstance(diverged, bool) or not isinstance(message, str):
        raise ValueError("diverged must be true or false and message a text")
    if diverged != bool(message) or len(message) > MAX_MESSAGE or "\n" in message:
        raise ValueError("a diverged state needs a one-line message and any other state none")
    if diverged and cursor:
        raise ValueError("a diverged state must be at an epoch boundary")
    mid = [state[k] for k in MID_EPOCH_KEYS]
    if cursor == 0 and any(v is not None for v in mid):
        raise ValueError("order, epoch_lr and checkpoint must be empty at an epoch boundary")
    params = _floats("params", state["params"], (size,), finite=True)
    if not config.use_bias and np.any(params[bias_positions(config)] != 0):
        raise ValueError("params hold biases, but the configuration has none (use_bias)")
    return CheckedState(
        config=config,
        dataset=dataset,
        params=params,
        optimizer=_optimizer("optimizer", state["optimizer"], config, size),
        shuffle_rng=_rng("shuffle_rng", state["shuffle_rng"]),
        epoch=epoch,
        steps=steps,
        cursor=cursor,
        mid_epoch=_mid_epoch(mid, n_train, config, size, steps) if cursor else None,
        history=_history(state["history"], epoch, config.num_classes),
        diverged=diverged,
        message=message,
    )


# --- the parts ----------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _shown(value) -> str:
    text = " ".join(repr(value).split())
    return text if len(text) <= 40 else text[:37] + "..."


def _count(name: str, value) -> int:
    if not _is_int(value) or not 0 <= value <= MAX_COUNT:
        raise ValueError(f"{name} must be a whole number from 0 to 2**63-1 (got {_shown(value)})")
    return int(value)


def _config(data) -> Config:
    try:
        return Config.from_dict(data)
    except (ValueError, TypeError) as exc:  # ConfigError is a ValueError
        raise ValueError(f"the configuration is not valid: {exc}") from None


def _array(name: str, value, dtype, shape: tuple) -> np.ndarray:
    """A copy of value if it is an ndarray of this dtype and shape (None: any length)."""
    want = str(tuple("n" if s is None else s for s in shape)).replace("'", "")
    if not isinstance(value, np.ndarray) or value.dtype != dtype:
        raise ValueError(f"{name} must be a {np.dtype(dtype).name} array of shape {want}")
    fits = value.ndim == len(shape) and all(
        s in (None, v) for s, v in zip(shape, value.shape, strict=False)
    )
    if not fits:
        raise ValueError(f"{name} must have shape {want} (got {value.shape})")
    return np.array(value)


def _floats(name: str, value, shape: tuple, finite: bool = False) -> np.ndarray:
    array = _array(name, value, np.float64, shape)
    if finite and not np.isfinite(array).all():
        raise ValueError(f"{name} must hold only finite numbers")
    return array


MAX_ORIGIN_CHARS = 200


def _class_names(data: Mapping, k: int) -> tuple[str, ...]:
    names = data.get("class_names", [])
    if not isinstance(names, list) or (names and len(names) != k):
        raise ValueError(f"dataset class_names must list {k} names, or none")
    for name in names:
        if not (isinstance(name, str) and 0 < len(name) <= MAX_CLASS_NAME_CHARS
                and name.isprintable()):  # fmt: skip
            raise ValueError(
                f"dataset class_names must be printable text of 1 to {MAX_CLASS_NAME_CHARS} "
                "characters"
            )
    if len(set(names)) != len(names):
        raise ValueError("dataset class_names must not repeat a name")
    return tuple(names)


def bias_positions(config: Config) -> np.ndarray:
    """Where the biases sit in the flat parameters ([W | b] blocks, row by row)."""
    positions, start = [], 0
    for n_in, n_out in itertools.pairwise(config.layer_sizes):
        positions.append(start + (n_in + 1) * np.arange(1, n_out + 1) - 1)
        start += n_out * (n_in + 1)
    return np.concatenate(positions) if positions else np.empty(0, dtype=np.int64)


def _dataset(data, config: Config) -> Dataset:
    keys = set(DATASET_KEYS)
    if not isinstance(data, Mapping) or not keys <= set(data) <= keys | {"class_names", "origin"}:
        raise ValueError(
            "dataset must hold exactly x_train, y_train, x_test, y_test, num_classes "
            "(and class_names, if it has them)"
        )
    k = config.num_classes
    if not _is_int(data["num_classes"]) or data["num_classes"] != k:
        raise ValueError(f"dataset num_classes must be {k}, as its configuration says")
    arrays = {}
    for split in ("train", "test"):
        x = _floats(f"dataset x_{split}", data[f"x_{split}"], (None, 2), finite=True)
        name, n = f"dataset y_{split}", len(x)
        if n == 0:
            raise ValueError(f"dataset {split} split must hold at least one point")
        if k:  # class indices
            y = _array(name, data[f"y_{split}"], np.int64, (n,))
            if y.min() < 0 or y.max() >= k:
                raise ValueError(f"{name} must hold class indices from 0 to {k - 1}")
        else:  # regression targets
            y = _floats(name, data[f"y_{split}"], (n,), finite=True)
        for a in (x, y):
            a.flags.writeable = False  # a Dataset's arrays are read-only
        arrays[f"x_{split}"], arrays[f"y_{split}"] = x, y
    for split in ("train", "test"):
        check_coordinates(arrays[f"x_{split}"])
    total = len(arrays["x_train"]) + len(arrays["x_test"])
    if not MIN_POINTS <= total <= MAX_POINTS:
        raise ValueError(f"dataset must hold {MIN_POINTS} to {MAX_POINTS} points (got {total})")
    origin = data.get("origin", "")
    if not (isinstance(origin, str) and len(origin) <= MAX_ORIGIN_CHARS and origin.isprintable()):
        raise ValueError(
            f"dataset origin must be printable text of at most {MAX_ORIGIN_CHARS} characters"
        )
    return Dataset(num_classes=k, class_names=_class_names(data, k), origin=origin, **arrays)


def check_optimizer_state(name: str, state, config: Config, size: int) -> OptimizerState:
    """A copy of an optimizer state that `config.optimizer` loads (ValueError else)."""
    return _optimizer(name, state, config, size)


def check_rng_state(name: str, state: Any) -> PCG64State:
    """A copy of a PCG64 `bit_generator.state` (ValueError else)."""
    return _rng(name, state)


def _optimizer(name: str, state, config: Config, size: int) -> OptimizerState:
    """A copy of an optimizer state that `config.optimizer` loads."""
    if not isinstance(state, Mapping):
        raise ValueError(f"{name} must be a mapping of names to values")
    copy: OptimizerState = {}
    for key, value in state.items():
        if _is_int(value):
            copy[key] = _count(f"{name} {key!r}", value)
        elif isinstance(value, np.ndarray):
            copy[key] = _floats(f"{name} {key!r}", value, (size,))
        else:
            raise ValueError(f"{name} {key!r} must be a whole number or an array")
    try:  # the optimizer's own check: names, shapes, finite, non-negative averages
        make_optimizer(config, size).load_state_dict(copy)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name}: {exc}") from None
    return copy


def _rng(name: str, state: Any) -> PCG64State:
    """A copy of a PCG64 `bit_generator.state`."""
    bad = f"{name} must be a PCG64 state, as numpy's bit_generator.state gives"
    inner = state.get("state") if isinstance(state, Mapping) else None
    if not (
        isinstance(inner, Mapping)
        and set(state) == {"bit_generator", "state", "has_uint32", "uinteger"}
        and state["bit_generator"] == "PCG64"
        and set(inner) == {"state", "inc"}
    ):
        raise ValueError(bad)
    s, inc, has, extra = inner["state"], inner["inc"], state["has_uint32"], state["uinteger"]
    if not (
        all(map(_is_int, (s, inc, has, extra)))
        and 0 <= s < 2**128 and 0 < inc < 2**128 and inc % 2 == 1  # PCG's increment is odd
        and has in (0, 1) and 0 <= extra < 2**32
    ):  # fmt: skip
        raise ValueError(bad)
    copy: PCG64State = {
        "bit_generator": "PCG64",
        "state": {"state": int(s), "inc": int(inc)},
        "has_uint32": int(has),
        "uinteger": int(extra),
    }
    np.random.PCG64(0).state = copy  # numpy's own check (it raises ValueError)
    return copy


def _order(value, n: int) -> np.ndarray:
    order = _array("order", value, np.int64, (n,))
    if not np.array_equal(np.sort(order), np.arange(n)):
        raise ValueError(f"order must be a permutation of the {n} training points")
    return order


def _rate(value) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value < 0:
        raise ValueError(f"epoch_lr must be a finite number of 0 or more (got {_shown(value)})")
    return float(value)


def _mid_epoch(values: list, n_train: int, config: Config, size: int, steps: int) -> MidEpoch:
    order, epoch_lr, checkpoint = values
    return MidEpoch(
        order=_order(order, n_train),
        epoch_lr=_rate(epoch_lr),
        checkpoint=_checkpoint(checkpoint, config, size, steps),
    )


def _checkpoint(
    value, config: Config, size: int, steps: int
) -> tuple[np.ndarray, OptimizerState, int]:
    if not isinstance(value, Mapping) or set(value) != CHECKPOINT_KEYS:
        raise ValueError("checkpoint must hold exactly params, optimizer and steps")
    params = _floats("checkpoint params", value["params"], (size,), finite=True)
    optimizer = _optimizer("checkpoint optimizer", value["optimizer"], config, size)
    at = _count("checkpoint steps", value["steps"])
    if at > steps:
        raise ValueError(f"checkpoint steps must not exceed steps ({steps}; got {at})")
    return params, optimizer, at


def _history(value, epoch: int, num_classes: int) -> np.ndarray:
    # one row per epoch, or (past MAX_HISTORY_ROWS) thinned: rising epochs from 0 to `epoch`
    history = _floats("history", value, (None, 5))
    epochs = history[:, 0]
    if not (
        0 < len(history) <= min(epoch + 1, MAX_HISTORY_ROWS)
        and epochs[0] == 0
        and epochs[-1] == epoch
        and np.array_equal(epochs, np.floor(epochs))
        and (np.diff(epochs) > 0).all()
    ):
        raise ValueError(f"history must hold rising epochs from 0 to {epoch}, one row each")
    accuracy = history[:, 3:]
    if num_classes and not ((accuracy >= 0) & (accuracy <= 1)).all():
        raise ValueError("history accuracies must lie from 0 to 1")
    if not num_classes and not np.isnan(accuracy).all():
        raise ValueError("a regression history has no accuracies (they must be NaN)")
    return history
