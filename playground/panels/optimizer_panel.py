"""OPTIMIZER: the update rule, the learning rate and its schedule."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QSpinBox, QToolButton, QWidget

from playground.core.config import MAX_EPOCHS, OPTIMIZERS, SCHEDULES, Config

from .widgets import ConfigPanel, NumberCombo, NumberSpin, fill_combo, select_data

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # TF's
MAX_LR = 100.0
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
MOMENTUM_OPTIMIZERS = frozenset({"momentum", "nesterov"})
ADVANCED_OPTIMIZERS = frozenset({"rmsprop", "adam"})
GAMMA_SCHEDULES = frozenset({"step", "exponential"})
PERIOD_SCHEDULES = frozenset({"step", "cosine"})


class OptimizerPanel(ConfigPanel):
    """Optimizer, learning rate, momentum, Adam/RMSProp details and the lr schedule.

    Emits {"optimizer": name}, {"lr": float} (at once: picking an item or Enter),
    {"momentum": float}, {"beta1": float}, {"beta2": float},
    {"rmsprop_alpha": float}, {"eps": float},
    {"schedule": name, "lr_gamma": None} (a new schedule starts at its own
    default γ), {"lr_gamma": float}, {"lr_period": int}, {"lr_min": float}.
    Every one of them is hot: training goes on with the new value.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Optimizer", parent)

        self.optimizer = QComboBox()
        fill_combo(self.optimizer, [(o, *OPTIMIZER_INFO[o]) for o in OPTIMIZERS])
        self.add_row("Algorithm", self.optimizer, "The rule that turns gradients into updates.")
        self.optimizer.activated.connect(
            lambda i: self._propose(optimizer=self.optimizer.itemData(i))
        )

        self.lr = NumberCombo(LEARNING_RATES, 0.0, MAX_LR)
        self.add_row(
            "Learning rate",
            self.lr,
            "How big a step each update takes: too small is slow, too large makes "
            "the loss jump or blow up (pick one or type a number).",
        )
        self.lr.value_chosen.connect(lambda v: self._propose(lr=v))

        self.momentum = NumberSpin(0.0, 0.999, 3, 0.01)
        self.momentum_label = self.add_row(
            "Momentum",
            self.momentum,
            "How much of the last velocity each step keeps (0.9 is usual); "
            "for Momentum and Nesterov.",
        )
        self._spin_sends(self.momentum, lambda: self._propose(momentum=self.momentum.value()))

        self.advanced = QToolButton()
        self.advanced.setText("Advanced")
        self.advanced.setCheckable(True)
        self.advanced.setAutoRaise(True)
        self.advanced.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced.setToolTip("Show the decay rates and ε of Adam or RMSProp.")
        self.advanced.toggled.connect(self._on_advanced)
        self.form.addRow(self.advanced)

        self.beta1 = NumberSpin(0.0, 0.999, 3, 0.01)
        self.beta1_label = self.add_row(
            "β₁",
            self.beta1,
            "Adam: how slowly the running mean of the gradients forgets (0.9 is usual).",
        )
        self._spin_sends(self.beta1, lambda: self._propose(beta1=self.beta1.value()))
        self.beta2 = NumberSpin(0.0, 0.9999, 4, 0.001)
        self.beta2_label = self.add_row(
            "β₂",
            self.beta2,
            "Adam: how slowly the running mean of squared gradients forgets (0.999 is usual).",
        )
        self._spin_sends(self.beta2, lambda: self._propose(beta2=self.beta2.value()))
        self.alpha = NumberSpin(0.0, 0.9999, 4, 0.01)
        self.alpha_label = self.add_row(
            "α",
            self.alpha,
            "RMSProp: how slowly the running mean of squared gradients forgets (0.99 is usual).",
        )
        self._spin_sends(self.alpha, lambda: self._propose(rmsprop_alpha=self.alpha.value()))
        self.eps = NumberCombo(EPSILONS, 1e-300, 1.0)
        self.eps_label = self.add_row(
            "ε",
            self.eps,
            "A tiny number added before dividing, so a weight with no gradient "
            "does not divide by zero.",
        )
        self.eps.value_chosen.connect(lambda v: self._propose(eps=v))

        self.schedule = QComboBox()
        fill_combo(self.schedule, [(s, *SCHEDULE_INFO[s]) for s in SCHEDULES])
        self.add_row("Schedule", self.schedule, "How the learning rate changes as epochs pass.")
        self.schedule.activated.connect(
            lambda i: self._propose(schedule=self.schedule.itemData(i), lr_gamma=None)
        )

        self.gamma = NumberSpin(0.0, 1.0, 4, 0.01)
        self.gamma_label = self.add_row(
            "Decay γ",
            self.gamma,
            "What the learning rate is multiplied by at each decay (step and exponential).",
        )
        self._spin_sends(self.gamma, lambda: self._propose(lr_gamma=self.gamma.value()))
        self.period = QSpinBox()
        self.period.setRange(1, MAX_EPOCHS)
        self.period.setSingleStep(10)
        self.period.setGroupSeparatorShown(True)
        self.period.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.period_label = self.add_row(
            "Period",
            self.period,
            "Epochs between step decays; for cosine, epochs from the full rate to the minimum.",
        )
        self._spin_sends(self.period, lambda: self._propose(lr_period=self.period.value()))
        self.lr_min = NumberSpin(0.0, MAX_LR, 5, 0.001)
        self.lr_min_label = self.add_row(
            "Minimum lr", self.lr_min, "Cosine: the lowest learning rate it reaches."
        )
        self._spin_sends(self.lr_min, lambda: self._propose(lr_min=self.lr_min.value()))

        self.set_config(Config())

    def _on_advanced(self, on: bool) -> None:
        self.advanced.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self._show_advanced_rows(self._cfg)

    def _show_advanced_rows(self, cfg: Config) -> None:
        open_ = self.advanced.isChecked()
        adam, rmsprop = cfg.optimizer == "adam", cfg.optimizer == "rmsprop"
        for field, visible in (
            (self.beta1, adam),
            (self.beta2, adam),
            (self.alpha, rmsprop),
            (self.eps, adam or rmsprop),
        ):
            self.form.setRowVisible(field, open_ and visible)

    def _show(self, cfg: Config) -> None:
        select_data(self.optimizer, cfg.optimizer)
        self.lr.set_value(cfg.lr)
        uses_momentum = cfg.optimizer in MOMENTUM_OPTIMIZERS
        self.momentum.show_value(cfg.momentum, enabled=uses_momentum)
        self.momentum_label.setEnabled(uses_momentum)
        self.advanced.setVisible(cfg.optimizer in ADVANCED_OPTIMIZERS)
        self.beta1.show_value(cfg.beta1)
        self.beta2.show_value(cfg.beta2)
        self.alpha.show_value(cfg.rmsprop_alpha)
        self.eps.set_value(cfg.eps)
        self._show_advanced_rows(cfg)

        select_data(self.schedule, cfg.schedule)
        uses_gamma = cfg.schedule in GAMMA_SCHEDULES
        self.gamma.show_value(cfg.effective_lr_gamma, enabled=uses_gamma)
        self.gamma_label.setEnabled(uses_gamma)
        uses_period = cfg.schedule in PERIOD_SCHEDULES
        self.period.setValue(cfg.lr_period)
        self.period.setEnabled(uses_period)
        self.period_label.setEnabled(uses_period)
        uses_min = cfg.schedule == "cosine"
        self.lr_min.show_value(cfg.lr_min, enabled=uses_min)
        self.lr_min_label.setEnabled(uses_min)
