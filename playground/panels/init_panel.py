"""INITIALIZATION: how the weights and biases start, and from which seed."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QPushButton, QWidget

from playground.core.config import BIAS_INITS, WEIGHT_INITS, Config
from playground.core.initializers import calculate_gain

from .widgets import MAX_SEED, ConfigPanel, NumberSpin, SeedEdit, fill_combo, hbox, select_data

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
# The scheme's scale: its label and the smallest value it accepts.
SCALE_LABELS = {"constant": ("Value c", -100.0), "uniform": ("Half-width a", 0.0)}
SCALE_LABELS["normal"] = ("Std dev σ", 0.0)
GAIN_SCHEMES = frozenset(
    {"xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "orthogonal"}
)
MAX_SCALE = 100.0
MAX_GAIN = 100.0
MAX_BIAS = 100.0


class InitPanel(ConfigPanel):
    """Weight scheme, its scale or gain, the bias start, and the init seed.

    Emits {"init": name, "init_scale": None} (a new scheme starts at its own
    default scale), {"init_scale": float}, {"init_gain": float | None} (None =
    auto, the activation's gain), {"bias_init": name}, {"bias_value": float},
    {"init_seed": int}.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Initialization", parent)

        self.init = QComboBox()
        fill_combo(self.init, [(s, *WEIGHT_INIT_INFO[s]) for s in WEIGHT_INITS])
        self.add_row("Weights", self.init, "How the weights are drawn when training starts.")
        self.init.activated.connect(
            lambda i: self._propose(init=self.init.itemData(i), init_scale=None)
        )

        self.scale = NumberSpin(-MAX_SCALE, MAX_SCALE, 3, 0.05)
        self.scale_label = self.add_row(
            "Scale",
            self.scale,
            "The constant c, the half-width a or the standard deviation σ of the scheme.",
        )
        self._spin_sends(self.scale, lambda: self._propose(init_scale=self.scale.value()))

        self.gain_auto = QCheckBox("auto")
        self.gain_auto.setToolTip(
            "Use the gain recommended for the hidden activation (as torch's calculate_gain)."
        )
        self.gain_auto.toggled.connect(self._on_gain_auto)
        self.gain = NumberSpin(0.0, MAX_GAIN, 3, 0.1)
        self.gain.setToolTip(
            "Multiplies the spread of Xavier, He and orthogonal weights "
            "(tanh 5/3, ReLU √2, others 1)."
        )
        self._spin_sends(self.gain, lambda: self._propose(init_gain=self.gain.value()))
        self.gain_label = self.add_row("Gain", hbox(self.gain_auto, self.gain), self.gain.toolTip())

        self.bias_init = QComboBox()
        fill_combo(self.bias_init, [(b, *BIAS_INIT_INFO[b]) for b in BIAS_INITS])
        self.bias_init.setToolTip("How the biases start.")
        self.bias_init.activated.connect(
            lambda i: self._propose(bias_init=self.bias_init.itemData(i))
        )
        self.bias_value = NumberSpin(-MAX_BIAS, MAX_BIAS, 3, 0.05)
        self.bias_value.setToolTip("The value every bias starts at (for Constant).")
        self._spin_sends(self.bias_value, lambda: self._propose(bias_value=self.bias_value.value()))
        self.add_row("Biases", hbox(self.bias_init, self.bias_value), "How the biases start.")

        self.seed = SeedEdit()
        self.seed.setToolTip("The random seed of the first weights and the batch order.")
        self.seed.value_edited.connect(lambda v: self._propose(init_seed=v))
        self.reinit = QPushButton("⟲ Re-initialize")
        self.reinit.setToolTip("Start over from new random weights: the init seed goes up by one.")
        self.reinit.clicked.connect(self._on_reinit)
        self.add_row("Seed", hbox(self.seed, self.reinit), self.seed.toolTip())

        self.set_config(Config())

    def _show(self, cfg: Config) -> None:
        select_data(self.init, cfg.init)
        if cfg.init in SCALE_LABELS:
            label, lo = SCALE_LABELS[cfg.init]
            self.scale.setMinimum(lo)
            self.scale_label.setText(label)
            self.scale.show_value(cfg.effective_init_scale)
        else:
            self.scale_label.setText("Scale")
            self.scale.show_value(None)
        self.scale_label.setEnabled(cfg.init in SCALE_LABELS)
        gain_on = cfg.init in GAIN_SCHEMES
        auto = cfg.init_gain is None
        self.gain_auto.setChecked(auto)
        self.gain_auto.setEnabled(gain_on)
        if gain_on:
            gain = calculate_gain(cfg.activation) if auto else cfg.init_gain
            self.gain.show_value(gain, enabled=not auto)
        else:
            self.gain.show_value(None)
        self.gain_label.setEnabled(gain_on)
        select_data(self.bias_init, cfg.bias_init)
        if cfg.bias_init == "constant":
            self.bias_value.show_value(cfg.bias_value)
        else:
            self.bias_value.show_value(None)
        self.seed.set_value(cfg.init_seed)

    def _on_gain_auto(self, on: bool) -> None:
        if on:
            self._propose(init_gain=None)
        else:  # start the own value from the one in use
            self._propose(init_gain=round(calculate_gain(self._cfg.activation), 3))

    def _on_reinit(self) -> None:
        seed = self._cfg.init_seed
        self._propose(init_seed=seed + 1 if seed < MAX_SEED else 0)
