"""The doctor: why a network is not learning, in findings a person can act on.

`examine` reads a `Diagnostics`, the loss history, the Config and whether
training diverged; each `Finding` gives its evidence in numbers and remedies
(core/remedies.py), each one `config.replace(**changes)` or a Reset.

Thresholds come from the healthy defaults (TF Playground's 4-2 tanh net, every
built-in dataset, two seeds, 300 to 3000 epochs) and the failures the issue
reproduces (zero weights, dead ReLUs, sigma 5 and sigma 0.001, divergence):
* dead: half a hidden layer or more (healthy ReLU nets lose at most a quarter
  of a layer; He initialization on 16 x 8 leaves 2 of 8 dead here and there);
* saturated: half a layer pinned on >= 95 % of the points (healthy tanh units
  reach 94 % on trained nets; sigma 5 pins 96-98 %);
* vanishing / exploding: first layer's RMS gradient per parameter below 1/1000
  or above 1000 times the last's (healthy: 0.03 to 12; sigma 0.001 gives 1e-6
  to 5e-4, six sigmoid layers 6e-6, sine with sigma 2 5e3 and more);
* plateau: the training loss moved less than 1 % over 100 epochs, all since the
  settings last changed, while still above a tenth of where it started
  (converging runs keep moving 3 % or more).  Below where it started, the steps
  may be too small; at or above it, something is stuck (or the rate too big);
* solved: once the training loss is down to 1 % of where it started, or 99 %
  of the training points are right, only a divergence is reported (a unit or
  two may be dead, but the network has learnt its data);
* diverged: the parameters are "huge" when one layer's root mean square weight
  and bias exceeds 10 (initializers give 0.1 to 1; sigma 5 gives 5).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from types import MappingProxyType

import numpy as np

from . import remedies
from .config import Config
from .diagnostics import BOUNDS
from .diagnostics_types import Diagnostics, Finding
from .snapshot import History
from .trainer import Trainer

DEAD_SHARE = 0.5  # of a hidden layer's units
PINNED = 0.95  # share of training points a unit is saturated on
SATURATED_SHARE = 0.5  # of a hidden layer's units pinned
GRADIENT_RATIO = 1e3  # first/last RMS gradient beyond this, either way
PLATEAU_EPOCHS = 100
PLATEAU_CHANGE = 0.01  # relative range of the loss over those epochs
FAR_FROM_ZERO = 0.1  # of the loss the history starts with
HUGE_WEIGHTS = 10.0  # root mean square weight of a layer
SOLVED_LOSS = 0.01  # of where the training loss started
SOLVED_ACCURACY = 0.99


def examine(
    diagnostics: Diagnostics,
    history: History | None,
    config: Config,
    *,
    diverged: bool = False,
    message: str = "",
    since_epoch: int = 0,
) -> tuple[Finding, ...]:
    """Findings, the likeliest causes first (divergence, symmetry, dead,
    saturated, gradients, plateau); () when nothing looks wrong.

    `message` is the trainer's word on a divergence; `since_epoch` the epoch the
    settings last changed at (a plateau is judged only on epochs after it).
    """
    found: list[Finding] = []
    if diverged:
        found.append(_diverged(diagnostics, config, message))
    if _solved(history):  # a network that has learnt its data needs no doctor
        return _frozen(found)
    hidden = diagnostics.layers[:-1]
    for i, layer in enumerate(hidden):
        f = _symmetric(i, layer.units.symmetric_groups, config)
        found += [f] if f else []
    for i, layer in enumerate(hidden):
        f = _dead(i, layer.units.dead, diagnostics, config)
        found += [f] if f else []
    for i, layer in enumerate(hidden):
        sat = layer.units.saturated
        f = _saturated(i, sat, diagnostics, config) if sat is not None else None
        found += [f] if f else []
    # a layer wholly dead or wholly identical starves the layers before it of
    # gradient: its own finding says why, a gradient finding would only echo it
    blocked = any(
        layer.units.dead.all() or (len(g := layer.units.symmetric_groups) == 1
                                   and len(g[0]) == len(layer.units.dead))
        for layer in hidden
    )  # fmt: skip
    f = None if blocked else _gradients(diagnostics, config)
    found += [f] if f else []
    f = _plateau(history, config, others=len(found), since_epoch=since_epoch)
    found += [f] if f else []
    return _frozen(found)


def _frozen(found: list[Finding]) -> tuple[Finding, ...]:
    # read-only mappings: findings cross threads inside snapshots
    return tuple(dataclasses.replace(f, evidence=MappingProxyType(dict(f.evidence))) for f in found)


def _solved(history: History | None) -> bool:
    """The training loss is down to SOLVED_LOSS of where it started, or at least
    SOLVED_ACCURACY of the training points are right."""
    if history is None or len(history) < 2:
        return False
    loss = history.train_loss
    acc = history.train_accuracy
    return bool(loss[-1] <= SOLVED_LOSS * loss[0]) or (
        acc is not None and bool(acc[-1] >= SOLVED_ACCURACY)
    )


def examine_trainer(
    trainer: Trainer, diagnostics: Diagnostics | None = None
) -> tuple[Finding, ...]:
    """`examine` with everything a Trainer knows (its diagnostics unless given)."""
    return examine(
        trainer.diagnostics() if diagnostics is None else diagnostics,
        trainer.history,
        trainer.config,
        diverged=trainer.diverged,
        message=trainer.message,
        since_epoch=trainer.settings_changed_at,
    )


# --- findings ----------------------------------------------------------------


def _people(units: Sequence[int]) -> str:
    """0-based units as a person counts them: 'units 1, 2 and 4'."""
    names = [str(u + 1) for u in units]
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"unit{'s' if len(names) > 1 else ''} {text}"


def _are(count: int) -> str:
    return "is" if count == 1 else "are"


def _symmetric(i: int, groups, config: Config) -> Finding | None:
    if not groups:
        return None
    units = tuple(sorted(u for g in groups for u in g))
    which = "; ".join(_people(g) for g in groups)
    return Finding(
        kind="symmetric_units",
        message=f"In hidden layer {i + 1}, {which} are identical (same incoming weights and "
        "bias), so they compute one function and get the same updates for ever.",
        layer=i,
        units=units,
        evidence={"groups": float(len(groups)), "units": float(len(units))},
        remedies=remedies.for_symmetric(config),
    )


def _dead(i: int, dead: np.ndarray, d: Diagnostics, config: Config) -> Finding | None:
    count, k = int(dead.sum()), len(dead)
    if count == 0 or count < DEAD_SHARE * k:
        return None
    act = config.activation
    whole = " (the whole layer: nothing passes through it)" if count == k else ""
    flat = "" if act == "relu" else ", where its slope is nearly 0"
    return Finding(
        kind="dead_units",
        message=f"{count} of {k} units in hidden layer {i + 1} {_are(count)} dead{whole}: "
        f"inactive (input to {act} at or below 0{flat}) on all {d.points_words}, "
        f"so {'it does' if count == 1 else 'they do'} not learn.",
        layer=i,
        units=tuple(int(u) for u in np.flatnonzero(dead)),
        evidence={"dead": float(count), "units": float(k), "points": float(d.points)},
        remedies=remedies.for_dead(config),
    )


def _saturated(i: int, sat: np.ndarray, d: Diagnostics, config: Config) -> Finding | None:
    pinned = sat >= PINNED
    count, k = int(pinned.sum()), len(sat)
    if count == 0 or count < SATURATED_SHARE * k:
        return None
    lo, hi = BOUNDS[config.activation]
    return Finding(
        kind="saturated_units",
        message=f"{count} of {k} units in hidden layer {i + 1} {_are(count)} saturated: "
        f"{config.activation} output is within 2 % of {lo:g} or {hi:g} on at least "
        f"{PINNED * 100:.0f} % of the {d.points} training points"
        f"{'' if d.points == d.of_points else ' checked'}, where its slope is nearly 0.",
        layer=i,
        units=tuple(int(u) for u in np.flatnonzero(pinned)),
        evidence={
            "saturated": float(count),
            "units": float(k),
            "lowest_share": float(sat[pinned].min()),
            "points": float(d.points),
        },
        remedies=remedies.for_saturated(config),
    )


def _rms(layer) -> float:
    n = int(sum(layer.histograms["gradients"].counts))
    return layer.gradient_norm / math.sqrt(n) if n else math.nan


def _gradients(d: Diagnostics, config: Config) -> Finding | None:
    if len(d.layers) < 2:
        return None
    first, last = _rms(d.layers[0]), _rms(d.layers[-1])
    if not (last > 0 and math.isfinite(first) and math.isfinite(last)):
        return None
    ratio = first / last
    evidence = {
        "ratio": ratio,
        "first_rms": first,
        "last_rms": last,
        "first_norm": d.layers[0].gradient_norm,
        "last_norm": d.layers[-1].gradient_norm,
    }
    said = (
        f"The first layer's gradient is {ratio:.2g} times the last layer's "
        "(root mean square per parameter)"
    )
    if ratio < 1 / GRADIENT_RATIO:
        return Finding(
            kind="vanishing_gradients",
            message=f"{said}, so the first layers barely learn: the gradient vanishes "
            "on its way back.",
            layer=0,
            evidence=evidence,
            remedies=remedies.for_vanishing(config),
        )
    if ratio > GRADIENT_RATIO:
        return Finding(
            kind="exploding_gradients",
            message=f"{said}, so the first layers take huge steps: the gradient grows "
            "on its way back.",
            layer=0,
            evidence=evidence,
            remedies=remedies.for_exploding(config),
        )
    return None


def _plateau(
    history: History | None, config: Config, others: int, since_epoch: int = 0
) -> Finding | None:
    if history is None or len(history) < 2:
        return None
    epochs, loss = np.asarray(history.epochs), np.asarray(history.train_loss)
    now, start = float(loss[-1]), float(loss[0])
    if epochs[-1] - max(int(epochs[0]), since_epoch) < PLATEAU_EPOCHS or not math.isfinite(now):
        return None
    window = loss[np.searchsorted(epochs, epochs[-1] - PLATEAU_EPOCHS) :]
    change = float(window.max() - window.min()) / now if now > 0 else math.inf
    acc = history.train_accuracy
    perfect = acc is not None and float(acc[-1]) >= 1.0
    if change > PLATEAU_CHANGE or not now >= FAR_FROM_ZERO * start or perfect:
        return None
    cause = " (see the findings above)" if others else ""
    if now < (1 - PLATEAU_CHANGE) * start:
        trend, why = (
            "down",
            f"the learning rate may be too small, or something blocks learning{cause}",
        )
    elif now <= (1 + PLATEAU_CHANGE) * start:
        trend, why = (
            "flat",
            f"the steps may be too small to move it, or something blocks learning{cause}",
        )
    else:
        trend = "up"
        why = f"so nothing is learnt: something blocks learning{cause}, or the steps overshoot"
    return Finding(
        kind="loss_plateau",
        message=f"The training loss has stayed at {now:.3g} (within {PLATEAU_CHANGE * 100:.0f} %) "
        f"for the last {PLATEAU_EPOCHS} epochs, {100 * now / start:.0f} % of where it started"
        f"{',' if trend == 'up' else ':'} {why}.",
        evidence={
            "loss": now,
            "start_loss": start,
            "relative_change": change,
            "epochs": float(PLATEAU_EPOCHS),
        },
        remedies=remedies.for_plateau(config, trend),
    )


def _diverged(d: Diagnostics, config: Config, message: str) -> Finding:
    rms = [_parameter_rms(layer) for layer in d.layers]
    worst = int(np.nanargmax(rms)) if np.isfinite(rms).any() else 0
    into = "the output" if worst == len(rms) - 1 else f"hidden layer {worst + 1}"
    huge = not rms[worst] <= HUGE_WEIGHTS  # NaN counts as huge
    # the trainer's first sentence says when and what ("Training diverged in epoch
    # 12: the training loss became NaN"); its advice is replaced by the doctor's
    said = message.split(". ")[0].strip().rstrip(".") or "Training diverged"
    back = "its starting weights" if d.epoch == 0 else f"the end of epoch {d.epoch}"
    if huge:
        advice = (
            f"but its parameters are already huge (the weights and biases into {into} "
            f"average {rms[worst]:.3g} in size): Reset rather than only lower the learning rate"
        )
    else:
        advice = "with parameters of a sound size: lower the learning rate and go on, or Reset"
    return Finding(
        kind="diverged",
        message=f"{said}; the network is back at {back}, {advice}.",
        layer=worst,
        evidence={"largest_parameter_rms": rms[worst], "layer": float(worst)},
        remedies=remedies.for_diverged(config, huge=huge),
    )


def _parameter_rms(layer) -> float:
    """Root mean square of a layer's weights and biases together."""
    count = sum(int(sum(layer.histograms[q].counts)) for q in ("weights", "biases"))
    return math.hypot(layer.weight_norm, layer.bias_norm) / math.sqrt(max(1, count))
