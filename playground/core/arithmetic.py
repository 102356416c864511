"""One neuron's arithmetic at one point: z = w₁·a₁ + w₂·a₂ + … + b and f(z),
with the numbers filled in, as a person would check it by hand.

`neuron_sum` runs the network on the point (its features, mapped as the
network sees them when the data is rescaled) up to the layer asked for, and
returns the terms of that neuron's weighted sum.  No Qt: the graph's hover
formats it (views/network_hits.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .config import Config
from .features import InputScaling, scaled_features

MAX_TERMS = 4  # shown; the rest are summed into one "+ … (n more)"


@dataclass(frozen=True)
class NeuronSum:
    weights: tuple[float, ...]  # w_i, in input order
    inputs: tuple[float, ...]  # a_i: the features, or the layer before's outputs
    bias: float
    z: float  # the weighted sum, bias included
    activation: str  # f's name ("tanh", "relu", ...)
    output: float  # f(z)

    def text(self, names: tuple[str, ...] = ()) -> str:
        """'z = 0.52·0.98 + (−1.3)·0.10 + 0.1 = 0.44; tanh(z) = 0.41' (a long sum
        shows its first terms and the rest's total)."""
        terms = [f"{_num(w)}·{_num(a)}" for w, a in zip(self.weights, self.inputs, strict=True)]
        if len(terms) > MAX_TERMS:
            rest = float(np.dot(self.weights[MAX_TERMS:], self.inputs[MAX_TERMS:]))
            terms = [*terms[:MAX_TERMS], f"… ({len(self.weights) - MAX_TERMS} more: {_num(rest)})"]
        sum_text = " + ".join(terms) if terms else "0"
        if self.bias != 0.0:
            sum_text += f" + {_num(self.bias)}"
        return f"z = {sum_text} = {self.z:.3g}; {self.activation}(z) = {self.output:.3g}"


def _num(v: float) -> str:
    text = f"{v:.2g}" if abs(v) < 0.01 and v != 0 else f"{v:.2f}"
    return f"({text})" if v < 0 else text


def neuron_sum(
    config: Config,
    weights: tuple[np.ndarray, ...],
    biases: tuple[np.ndarray, ...],
    point: tuple[float, float],
    layer: int,
    unit: int,
    scaling: InputScaling | None = None,
) -> NeuronSum:
    """Neuron `unit` of graph column `layer` (1 = the first hidden layer; the
    outputs are the last) at `point` (x1, x2) in the data's units."""
    a = scaled_features(np.array([point], dtype=np.float64), config.features, scaling)[0]
    last = len(weights)
    for i in range(layer):
        w, b = np.asarray(weights[i], np.float64), np.asarray(biases[i], np.float64)
        z = w @ a + b
        name = config.activation if i < last - 1 else config.output_activation
        out = _apply(name, z)
        if i == layer - 1:
            return NeuronSum(
                tuple(float(v) for v in w[unit]), tuple(float(v) for v in a),
                float(b[unit]), float(z[unit]), name, float(out[unit]),
            )  # fmt: skip
        a = out
    raise ValueError(f"no neuron {unit} in column {layer}")


def _apply(name: str, z: np.ndarray) -> np.ndarray:
    if name == "softmax":
        e = np.exp(z - z.max())
        return e / e.sum()
    return ACTIVATIONS[name](z)
