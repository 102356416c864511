"""NETWORK: the hidden layers' activation, the loss, and the output they imply."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from playground.core.config import MAX_HIDDEN_LAYERS, MAX_NEURONS, ConfigError
from playground.core.config_rules import check_hidden

from .fields import Check, Choice, Readout, Row, Table, TypedText
from .form import ConfigPanel

if TYPE_CHECKING:
    from playground.core.config import Config

# name -> (friendly name, tooltip)
ACTIVATION_INFO = {
    "relu": ("ReLU", "max(0, z): cheap and fast to train; units stuck below 0 stop learning."),
    "leaky_relu": ("Leaky ReLU", "z for z > 0, 0.01·z below: a ReLU whose units never fully die."),
    "elu": ("ELU", "z for z > 0, eᶻ − 1 below: smooth, with negative outputs down to −1."),
    "gelu": ("GELU", "z times the chance a standard normal is below z: a smooth ReLU."),
    "tanh": ("Tanh", "S-shaped from −1 to 1, centred on 0 (TF Playground's default)."),
    "sigmoid": ("Sigmoid", "S-shaped from 0 to 1; saturates easily, so deep stacks learn slowly."),
    "linear": ("Linear", "The identity: layers of it together are still one straight boundary."),
    "softplus": ("Softplus", "log(1 + eᶻ): a smooth ReLU that is never exactly 0."),
    "swish": ("Swish", "z · sigmoid(z) (SiLU): smooth, dips a little below 0."),
    "sine": ("Sine", "sin(z): periodic, so units can draw waves and rings."),
}
LOSS_INFO = {
    "mse": (
        "½ squared error",
        "½·(output − target)² averaged over the points (TF Playground's loss, often called "
        "MSE, though it is half of it: an error of 10 counts as 50).",
    ),
    "cross-entropy": (
        "Cross-entropy",
        "Log loss on class probabilities: punishes confident mistakes hard; classification only.",
    ),
}
# the output activation and what it gives (the loss has its own row above)
OUTPUT_TEXT = {
    "tanh": "tanh, −1 to 1",
    "sigmoid": "sigmoid, 0 to 1",
    "softmax": "softmax, sums to 1",
    "linear": "linear, any number",
}
OUTPUT_TIPS = {
    "tanh": "One output in −1..1, its sign is the class; trained with squared error.",
    "sigmoid": "One output, the probability of the blue class; trained with log loss.",
    "softmax": "One output per class, probabilities that add up to 1; trained with log loss.",
    "linear": "One output, the predicted number itself; trained with squared error.",
}


def output_text(cfg: Config) -> str:
    """'tanh, −1 to 1' and the like: the output activation the loss and problem imply."""
    return OUTPUT_TEXT.get(cfg.output_activation, cfg.output_activation)


def output_tip(cfg: Config) -> str:
    if cfg.output_activation == "tanh" and cfg.num_outputs > 1:
        return "One output per class in −1..1 (+1 for its class); the largest wins."
    return OUTPUT_TIPS.get(cfg.output_activation, "")


def activation_table(output: Readout) -> Table:
    return [
        Row(
            "Activation",
            "The function every hidden neuron applies to its weighted sum.",
            Choice("activation", ACTIVATION_INFO),
        ),
        Row(
            "",
            "",
            Check(
                "use_bias",
                "Biases (+ b)",
                "Each neuron adds its own bias b to its weighted sum w·x before f.  Off: no "
                "biases at all (PyTorch's bias=False), so every boundary the first layer draws "
                "passes through the origin.",
            ),
        ),
        Row(
            "Loss",
            "What training minimizes: squared error, or cross-entropy (classification only).",
            Choice("loss", LOSS_INFO),
        ),
        Row(
            "Output",
            "The output layer's activation, fixed by the loss and problem.",
            output,
        ),
        Row(
            "Hidden",
            f"The hidden layers' sizes, e.g. 8,8,4 (up to {MAX_HIDDEN_LAYERS} layers of "
            f"1 to {MAX_NEURONS}; empty for none): the same as + and − on the graph.",
            LayerSizes(),
        ),
    ]


class LayerSizes(TypedText):
    """The hidden layers typed as sizes, "8,8,4" (empty: none), beside + and − on
    the graph; Enter or leaving the field builds them, a typo is said under it."""

    def __init__(self) -> None:
        super().__init__("hidden", "none", 4 * MAX_HIDDEN_LAYERS)
        self.edit.setMaximumWidth(140)

    def _show(self, cfg: Config) -> None:
        self.edit.setText(",".join(map(str, cfg.hidden)))
        self.say("")

    def _typed(self) -> None:
        cfg = self.shown
        if cfg is None:
            return
        try:
            sizes = tuple(int(s) for s in self.edit.text().replace(" ", "").split(",") if s)
            check_hidden(sizes)  # the Config's own rule, before anything is proposed
        except ConfigError as exc:  # (a ValueError: caught first)
            self.say(str(exc))
            return
        except ValueError:
            self.say("sizes are whole numbers, like 8,8,4")
            return
        self.say("")
        if sizes != cfg.hidden:
            self.propose(sizes)


class ActivationPanel(ConfigPanel):
    """Hidden activation and loss; shows the output activation they imply.

    Proposes {"activation": name} and {"loss": "mse" | "cross-entropy"};
    the losses `cfg.choices("loss")` leaves out (cross-entropy for regression)
    are greyed.  `output` is the read-only output line.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        output = Readout(output_text, output_tip)
        super().__init__("Network", activation_table(output), parent)
        self.output = output.label
