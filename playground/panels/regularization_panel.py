"""REGULARIZATION: a weight penalty added to the loss, and how strong it is."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from playground.core.config import RANGES

from .fields import Check, Choice, Row, Suggest, Table
from .form import ConfigPanel

REG_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # TF Playground's
REGULARIZATION_INFO = {
    "none": ("None", "No penalty: weights may grow as large as the data asks."),
    "l1": (
        "L1",
        "Adds rate × |w| per weight to the loss; pushes small weights to exactly 0.",
    ),
    "l2": ("L2", "Adds rate × ½w² per weight to the loss; pulls weights toward 0."),
    "elastic": (
        "Elastic (L1 + L2)",
        "Adds rate × (|w| + ½w²) per weight to the loss: L1 and L2 together.",
    ),
}


def regularization_table() -> Table:
    lo, hi, _ = RANGES["reg_rate"]
    return [
        Row(
            "Penalty",
            "A cost on large weights, added to the loss, that keeps the network simple.",
            Choice("regularization", REGULARIZATION_INFO),
        ),
        Row(
            "Rate",
            f"How strongly the penalty counts against the data loss "
            f"(pick one or type any number from {lo:g} to {hi:g}).",
            Suggest("reg_rate", REG_RATES),
        ),
        Row(
            "",
            "",
            Check(
                "reg_bias",
                "Apply to biases too",
                "Penalize the biases as well as the weights "
                "(TF Playground penalizes weights only).",
            ),
        ),
    ]


class RegularizationPanel(ConfigPanel):
    """Penalty kind, its rate, and whether biases pay it too.

    Proposes {"regularization": name}, {"reg_rate": float}, {"reg_bias": bool}.
    All three are hot: they apply without starting training over.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Regularization", regularization_table(), parent)
