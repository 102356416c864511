"""REGULARIZATION: a weight penalty added to the loss, and how strong it is."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from playground.core.config import REGULARIZATIONS, Config

from .widgets import ConfigPanel, NumberCombo, fill_combo, select_data

REG_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # TF Playground's
MAX_REG_RATE = 100.0
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


class RegularizationPanel(ConfigPanel):
    """Penalty kind, its rate, and whether biases pay it too.

    Emits {"regularization": name}, {"reg_rate": float}, {"reg_bias": bool}.
    All three are hot: they apply without starting training over.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Regularization", parent)

        self.kind = QComboBox()
        fill_combo(self.kind, [(r, *REGULARIZATION_INFO[r]) for r in REGULARIZATIONS])
        self.add_row(
            "Penalty",
            self.kind,
            "A cost on large weights, added to the loss, that keeps the network simple.",
        )
        self.kind.activated.connect(lambda i: self._propose(regularization=self.kind.itemData(i)))

        self.rate = NumberCombo(REG_RATES, 0.0, MAX_REG_RATE)
        self.rate_label = self.add_row(
            "Rate",
            self.rate,
            f"How strongly the penalty counts against the data loss "
            f"(pick one or type any number from 0 to {MAX_REG_RATE:g}).",
        )
        self.rate.value_chosen.connect(lambda v: self._propose(reg_rate=v))

        self.bias = QCheckBox("Apply to biases too")
        self.bias.setToolTip(
            "Penalize the biases as well as the weights (TF Playground penalizes weights only)."
        )
        self.bias.toggled.connect(lambda on: self._propose(reg_bias=bool(on)))
        self.form.addRow("", self.bias)

        self.set_config(Config())

    def _show(self, cfg: Config) -> None:
        select_data(self.kind, cfg.regularization)
        self.rate.set_value(cfg.reg_rate)
        self.bias.setChecked(cfg.reg_bias)
        on = cfg.regularization != "none"
        for widget in (self.rate, self.rate_label, self.bias):
            widget.setEnabled(on)
