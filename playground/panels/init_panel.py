"""INITIALIZATION: how the weights and biases start, and from which seed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QWidget

from playground.core.config import RANGES
from playground.core.initializers import calculate_gain

from .fields import Choice, Control, Number, Row, Seed, Table
from .form import ConfigPanel
from .widgets import NumberSpin, hbox

if TYPE_CHECKING:
    from playground.core.config import Config

# name -> (friendly name, tooltip)
WEIGHT_INIT_INFO = {
    "zeros": (
        "Zeros",
        "Every weight 0: the neurons of a layer stay identical forever (try it and see).",
    ),
    "constant": ("Constant", "Every weight the same value c: neurons stay identical, like zeros."),
    "uniform": ("Uniform ±a", "Each weight drawn evenly from −a to a."),
    "normal": ("Normal σ", "Each weight drawn from a bell curve around 0 with spread σ."),
    "tf_playground": (
        "TF Playground U(−0.5, 0.5)",
        "TF Playground's choice: evenly from −0.5 to 0.5 whatever the layer's size.",
    ),
    "xavier_uniform": (
        "Xavier/Glorot uniform",
        "Evenly within ±gain·√(6 / (fan_in + fan_out)): keeps signals steady through tanh layers.",
    ),
    "xavier_normal": (
        "Xavier/Glorot normal",
        "Normal with σ = gain·√(2 / (fan_in + fan_out)): keeps signals steady through tanh layers.",
    ),
    "he_uniform": (
        "He/Kaiming uniform",
        "Evenly within ±gain·√(3 / fan_in): made for ReLU layers.",
    ),
    "he_normal": ("He/Kaiming normal", "Normal with σ = gain / √fan_in: made for ReLU layers."),
    "lecun_uniform": ("LeCun uniform", "Evenly within ±√(3 / fan_in); no gain."),
    "lecun_normal": ("LeCun normal", "Normal with σ = √(1 / fan_in); no gain."),
    "orthogonal": (
        "Orthogonal",
        "A random rotation matrix times the gain: keeps vector lengths through deep stacks.",
    ),
    "torch_default": (
        "PyTorch default",
        "torch.nn.Linear's default: evenly within ±1 / √fan_in.",
    ),
}
BIAS_INIT_INFO = {
    "zeros": ("Zeros", "Every bias starts at 0 (Keras' default)."),
    "constant": ("Constant", "Every bias starts at the value beside (TF Playground: 0.1)."),
    "torch_default": ("PyTorch default", "Evenly within ±1 / √fan_in, as torch.nn.Linear."),
}
# What the scale is for each scheme that has one.
SCALE_LABELS = {"constant": "Value c", "uniform": "Half-width a", "normal": "Std dev σ"}
# Sized for the numbers people use, though the Config takes up to 1e6.
FIT = 100.0


class Gain(Control):
    """The gain: "auto" (the activation's own, as torch's calculate_gain) or a value."""

    def __init__(self, auto_tip: str) -> None:
        lo, hi, _ = RANGES["init_gain"]
        self.auto = QCheckBox("auto")
        self.auto.setToolTip(auto_tip)
        self.spin = NumberSpin(lo, hi, 3, 0.1, FIT)
        box = QWidget()
        hbox(self.auto, self.spin, parent=box)
        box.setFocusProxy(self.spin)
        super().__init__("init_gain", box)
        self.tip_target = self.spin
        self.settle(self.spin)
        self.auto.toggled.connect(self._on_auto)

    def _show(self, cfg: Config) -> None:
        auto = cfg.init_gain is None
        self.auto.setChecked(auto)
        gain = calculate_gain(cfg.activation) if auto else cfg.init_gain
        self.spin.show_value(gain if self.applies(cfg) else None)
        self.spin.setEnabled(not auto)  # auto: the value is shown, not edited

    def _on_auto(self, on: bool) -> None:
        if on:
            self.propose(None)
        elif self.shown is not None:  # an own value starts from the one in use
            self.propose(round(calculate_gain(self.shown.activation), 3))


def init_table() -> Table:
    return [
        Row(
            "Weights",
            "How the weights are drawn when training starts.",
            Choice("init", WEIGHT_INIT_INFO),
        ),
        Row(
            lambda cfg: SCALE_LABELS.get(cfg.init, "Scale"),
            "The constant c, the half-width a or the standard deviation σ of the scheme.",
            Number(
                "init_scale", 3, 0.05, value=lambda c: c.effective_init_scale, dash=True, fit=FIT
            ),
        ),
        Row(
            "Gain",
            "Multiplies the spread of Xavier, He and orthogonal weights "
            "(tanh 5/3, ReLU √2, others 1).",
            Gain("Use the gain recommended for the hidden activation (as torch's calculate_gain)."),
        ),
        Row(
            "Biases",
            "How the biases start.",
            Choice("bias_init", BIAS_INIT_INFO),
            Number(
                "bias_value",
                3,
                0.05,
                dash=True,
                fit=FIT,
                tip="The value every bias starts at (for Constant).",
            ),
        ),
        Row(
            "Seed",
            "The random seed of the first weights and the batch order.",
            Seed(
                "init_seed",
                "⟲ Re-initialize",
                "Start over from new random weights: the init seed goes up by one.",
            ),
        ),
    ]


class InitPanel(ConfigPanel):
    """Weight scheme, its scale or gain, the bias start, and the init seed.

    Proposes {"init": name}, {"init_scale": float}, {"init_gain": float | None}
    (None: auto, the activation's gain), {"bias_init": name},
    {"bias_value": float}, {"init_seed": int}.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Initialization", init_table(), parent)
