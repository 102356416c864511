"""OPTIMIZER: the update rule, the learning rate and its schedule."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from .fields import Choice, Disclosure, Integer, Number, Opener, Row, Suggest, Table
from .form import ConfigPanel

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # TF's
EPSILONS = (1e-8, 1e-7, 1e-6, 1e-4)
OPTIMIZER_INFO = {
    "sgd": ("SGD", "Plain gradient descent, w −= lr · gradient: TF Playground's only optimizer."),
    "momentum": (
        "Momentum",
        "Keeps a running velocity of past gradients, so it rolls through flat stretches.",
    ),
    "nesterov": (
        "Nesterov",
        "Momentum that looks one step ahead before it corrects: often a little steadier.",
    ),
    "rmsprop": (
        "RMSProp",
        "Divides each step by the recent size of that weight's gradients: "
        "every weight gets its own step size.",
    ),
    "adam": (
        "Adam",
        "Momentum plus RMSProp's per-weight step sizes, with a warm-up correction: "
        "a robust default.",
    ),
}
SCHEDULE_INFO = {
    "constant": ("Constant", "The learning rate stays the same."),
    "step": ("Step", "Multiply the learning rate by γ every period epochs."),
    "exponential": ("Exponential", "Multiply the learning rate by γ every epoch."),
    "cosine": (
        "Cosine",
        "Glide from the learning rate down to the minimum over one period, "
        "along a cosine, then back up.",
    ),
}


def optimizer_table(advanced: Disclosure) -> Table:
    return [
        Row(
            "Algorithm",
            "The rule that turns gradients into updates.",
            Choice("optimizer", OPTIMIZER_INFO),
            Opener(advanced),
        ),
        Row(
            "Learning rate",
            "How big a step each update takes: too small is slow, too large makes "
            "the loss jump or blow up (pick one or type a number).",
            Suggest("lr", LEARNING_RATES),
        ),
        Row(
            "Momentum",
            "How much of the last velocity each step keeps (0.9 is usual); "
            "for Momentum and Nesterov.",
            Number("momentum", 3, 0.01),
        ),
        advanced,  # its rows, here; its button is the Algorithm row's Opener
        Row(
            "Schedule",
            "How the learning rate changes as epochs pass.",
            Choice("schedule", SCHEDULE_INFO),
        ),
        Row(
            "Decay γ",
            "What the learning rate is multiplied by at each decay (step and exponential).",
            Number("lr_gamma", 4, 0.01, value=lambda c: c.effective_lr_gamma),
        ),
        Row(
            "Period",
            "Epochs between step decays; for cosine, epochs from the full rate to the minimum.",
            Integer("lr_period", 10, grouped=True, right=True),
        ),
        Row(
            "Minimum lr", "Cosine: the lowest learning rate it reaches.", Number("lr_min", 5, 0.001)
        ),
    ]


def advanced_rows() -> Disclosure:
    """Adam's and RMSProp's finer settings, behind a disclosure."""
    return Disclosure(
        "More",
        "Show the decay rates and ε of Adam or RMSProp.",
        [
            Row(
                "β₁",
                "Adam: how slowly the running mean of the gradients forgets (0.9 is usual).",
                Number("beta1", 3, 0.01),
            ),
            Row(
                "β₂",
                "Adam: how slowly the running mean of squared gradients forgets (0.999 is usual).",
                Number("beta2", 4, 0.001),
            ),
            Row(
                "α",
                "RMSProp: how slowly the running mean of squared gradients forgets "
                "(0.99 is usual).",
                Number("rmsprop_alpha", 4, 0.01),
            ),
            Row(
                "ε",
                "A tiny number added before dividing, so a weight with no gradient "
                "does not divide by zero.",
                Suggest("eps", EPSILONS),
            ),
        ],
        inline=True,
    )


class OptimizerPanel(ConfigPanel):
    """Optimizer, learning rate, momentum, Adam/RMSProp details and the lr schedule.

    Proposes {"optimizer": name}, {"lr": float} (at once: picking an item or
    Enter), {"momentum": float}, {"beta1": float}, {"beta2": float},
    {"rmsprop_alpha": float}, {"eps": float}, {"schedule": name},
    {"lr_gamma": float}, {"lr_period": int}, {"lr_min": float}.
    Every one of them is hot: training goes on with the new value.
    `advanced` is the disclosure button of β₁, β₂, α and ε.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        advanced = advanced_rows()
        super().__init__("Optimizer", optimizer_table(advanced), parent)
        self.advanced = advanced.button
