"""What the doctor offers to try: one `Remedy` list per kind of finding.

A remedy is one `config.replace(**changes)` or a Reset.  `offered` keeps only
the changes the Config accepts and that change something (a learning rate of
0 has no tenth; He initialization is no news to a network that has it), and
makes each mapping read-only, since findings cross threads inside snapshots.
"""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

from .config import Config, ConfigError
from .diagnostics import RELU_FAMILY
from .diagnostics_types import Remedy

RESET = Remedy("Reset", reset=True, why="Start again from fresh random weights (the next seed).")


def offered(config: Config, *candidates: Remedy | None) -> tuple[Remedy, ...]:
    kept = []
    for r in candidates:
        if r is None:
            continue
        try:
            changed = config.replace(**dict(r.changes))
        except (ConfigError, TypeError, ValueError):
            continue
        if changed == config and not r.reset:
            continue
        kept.append(dataclasses.replace(r, changes=MappingProxyType(dict(r.changes))))
    return tuple(kept)


def lower_lr(config: Config, why: str) -> Remedy:
    return Remedy("Learning rate ÷ 10", {"lr": config.lr / 10}, why=why)


def matched_init(config: Config) -> Remedy | None:
    """He for rectifiers, Xavier for the rest, at its own gain; None when the
    network has it already (normal or uniform alike)."""
    family = "he" if config.activation in RELU_FAMILY else "xavier"
    has_it = config.init.startswith(family + "_")
    if has_it and config.init_gain is None:
        return None
    changes = {"init": config.init if has_it else family + "_normal", **_default_gain(config)}
    if family == "he":
        return Remedy(
            "He initialization",
            changes,
            why="Weights scaled to keep a rectifier's signal the same size layer after layer.",
        )
    return Remedy(
        "Xavier initialization",
        changes,
        why="Weights scaled to keep the signal and its gradient the same size through layers.",
    )


def _default_gain(config: Config) -> dict[str, object]:
    """Back to the activation's own gain, if another was set."""
    return {} if config.init_gain is None else {"init_gain": None}


def fewer_layers(config: Config) -> Remedy | None:
    n = len(config.hidden)
    if n < 2:
        return None
    keep = max(1, n // 2)
    return Remedy(
        f"{keep} hidden layer{'s' if keep > 1 else ''} instead of {n}",
        {"hidden": config.hidden[:keep]},
        why="Every layer multiplies the gradient once more on its way back.",
    )


def for_symmetric(config: Config) -> tuple[Remedy, ...]:
    if config.init not in ("zeros", "constant"):
        return offered(config, RESET)  # random already: these weights came from elsewhere
    family = "he" if config.activation in RELU_FAMILY else "xavier"
    # not Reset: zeros or a constant again would only rebuild the same symmetry
    return offered(
        config,
        Remedy(
            f"Random initialization ({'He' if family == 'he' else 'Xavier'})",
            {"init": family + "_normal", **_default_gain(config)},
            why="Units that start equal get equal updates and stay equal: random "
            "weights break the symmetry.",
        ),
    )


def for_dead(config: Config) -> tuple[Remedy, ...]:
    leaky = Remedy(
        "Leaky ReLU",
        {"activation": "leaky_relu"},
        why="An inactive leaky unit still passes a small gradient, so it can come back.",
    )
    bias = Remedy(
        "Bias init 0.1" if config.use_bias else "Biases, 0.1",
        {
            "bias_init": "constant",
            "bias_value": 0.1,
            **({} if config.use_bias else {"use_bias": True}),
        },
        why="A small positive bias starts every unit active on more of the points.",
    )
    return offered(
        config,
        leaky if config.activation == "relu" else None,
        matched_init(config),
        bias,
        lower_lr(config, "Big steps push units into the dead zone; dead ones stay dead."),
        RESET,
    )


def for_saturated(config: Config) -> tuple[Remedy, ...]:
    smaller = matched_init(config)  # Xavier: saturation is a tanh or sigmoid matter
    if smaller is not None:
        why = "Smaller weights, scaled to the layer's size, keep inputs in the steep middle."
        smaller = dataclasses.replace(smaller, why=why)
    why = "Big steps grow the weights until the units saturate."
    return offered(config, smaller, lower_lr(config, why))


def for_vanishing(config: Config) -> tuple[Remedy, ...]:
    relu = Remedy(
        "ReLU with He initialization",
        {"activation": "relu", "init": "he_normal"},
        why="A ReLU's slope is 1 where it is active, so the gradient does not shrink.",
    )
    rectifier = config.activation in RELU_FAMILY
    return offered(config, matched_init(config), fewer_layers(config), None if rectifier else relu)


def for_exploding(config: Config) -> tuple[Remedy, ...]:
    calmer = lower_lr(config, "Smaller steps keep the first layers from overshooting.")
    return offered(config, matched_init(config), calmer, fewer_layers(config))


def for_plateau(config: Config, trend: str = "down") -> tuple[Remedy, ...]:
    """trend: where the loss is against where it started, "down", "flat" or "up"."""
    faster = Remedy(
        "Learning rate × 10",
        {"lr": config.lr * 10},
        why="Steps too small to leave a flat stretch; if the loss then jumps, go back.",
    )
    calmer = lower_lr(config, "Steps too big bounce across the valley and never go down.")
    if trend == "down":
        return offered(config, faster)
    if trend == "flat":
        return offered(config, faster, RESET)
    return offered(config, RESET, calmer)


def for_diverged(config: Config, *, huge: bool = True) -> tuple[Remedy, ...]:
    """huge: the parameters it fell back to are already far too large."""
    lower = lower_lr(config, "Smaller steps, from the parameters of the last good epoch.")
    if not huge:
        return offered(config, lower, RESET)
    both = Remedy(
        "Reset, rate ÷ 10",
        {"lr": config.lr / 10},
        reset=True,
        why="Fresh weights and smaller steps: a lower rate alone goes on from huge parameters.",
    )
    return offered(config, both, RESET, lower)
