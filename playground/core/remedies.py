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
        if not r.reset:
            try:
                if config.replace(**dict(r.changes)) == config:
                    continue
            except (ConfigError, TypeError, ValueError):
                continue
        kept.append(dataclasses.replace(r, changes=MappingProxyType(dict(r.changes))))
    return tuple(kept)


def lower_lr(config: Config, why: str) -> Remedy:
    return Remedy("Learning rate ÷ 10", {"lr": config.lr / 10}, why=why)


def matched_init(config: Config) -> Remedy:
    if config.activation in RELU_FAMILY:
        return Remedy(
            "He initialization",
            {"init": "he_normal"},
            why="Weights scaled to keep a rectifier's signal the same size layer after layer.",
        )
    return Remedy(
        "Xavier initialization",
        {"init": "xavier_normal"},
        why="Weights scaled to keep the signal and its gradient the same size through layers.",
    )


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
    init = matched_init(config)
    # not Reset: zeros or a constant again would only rebuild the same symmetry
    return offered(
        config,
        Remedy(
            f"Random initialization ({init.label.split()[0]})",
            init.changes,
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
        "Bias init 0.1",
        {"bias_init": "constant", "bias_value": 0.1},
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
    xavier = Remedy(
        "Xavier initialization",
        {"init": "xavier_uniform"},
        why="Smaller weights, scaled to the layer's size, keep inputs in the steep middle.",
    )
    return offered(
        config, xavier, lower_lr(config, "Big steps grow the weights until the units saturate.")
    )


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


def for_plateau(config: Config) -> tuple[Remedy, ...]:
    faster = Remedy(
        "Learning rate × 10",
        {"lr": config.lr * 10},
        why="Steps too small to leave a flat stretch; if the loss then jumps, go back.",
    )
    return offered(config, faster)


def for_diverged(config: Config) -> tuple[Remedy, ...]:
    why = "Then Reset: a lower rate alone goes on from huge parameters."
    return offered(config, RESET, lower_lr(config, why))
