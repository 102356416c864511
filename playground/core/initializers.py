"""Weight and bias initializers, following PyTorch's conventions.

Shapes are PyTorch's: a layer's weight is (fan_out, fan_in), so ``W @ x``
maps an input column to an output column, and its bias is (fan_out,).
Every scheme draws from the `numpy.random.Generator` it is given, so one
seed always gives one network.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from playground.core.config import Config

# Gains as in torch.nn.init.calculate_gain.  torch has no gain for elu, gelu,
# softplus, swish or sine (it raises); we use 1.0 for them, the identity's
# gain, so every activation the app offers gets a well-defined value.
LEAKY_RELU_SLOPE = 0.01  # torch's default negative slope, also our activation's
_GAINS = {
    "linear": 1.0,
    "sigmoid": 1.0,
    "tanh": 5.0 / 3.0,
    "relu": math.sqrt(2.0),
    "leaky_relu": math.sqrt(2.0 / (1.0 + LEAKY_RELU_SLOPE**2)),
    "elu": 1.0,
    "gelu": 1.0,
    "softplus": 1.0,
    "swish": 1.0,
    "sine": 1.0,
}


def calculate_gain(activation: str) -> float:
    """The recommended gain for an activation, as torch.nn.init.calculate_gain."""
    try:
        return _GAINS[activation]
    except KeyError:
        raise ValueError(f"no initialization gain is known for activation {activation!r}") from None


def _orthogonal(rows: int, cols: int, rng: np.random.Generator, gain: float) -> np.ndarray:
    # torch.nn.init.orthogonal_: QR of a tall N(0, 1) matrix; multiplying Q's
    # columns by sign(diag(R)) makes the result unique (R gets a positive
    # diagonal), hence uniformly distributed over the orthogonal matrices.
    flat = rng.standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)  # reduced: q has orthonormal columns
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return np.ascontiguousarray(q * gain)


def init_weight(
    scheme: str,
    fan_out: int,
    fan_in: int,
    rng: np.random.Generator,
    *,
    scale: float,
    gain: float,
) -> np.ndarray:
    """A (fan_out, fan_in) float64, C-contiguous weight matrix drawn by `scheme`.

    `scale` is the constant for "constant", the half-width for "uniform" and
    the standard deviation for "normal"; `gain` multiplies the xavier, he and
    orthogonal schemes.  The other schemes ignore both.
    """
    if fan_out < 1 or fan_in < 1:
        raise ValueError(
            f"a layer needs at least one input and one output (got {fan_out}x{fan_in})"
        )
    shape = (fan_out, fan_in)
    if scheme == "zeros":
        return np.zeros(shape)
    if scheme == "constant":
        return np.full(shape, float(scale))
    if scheme == "orthogonal":
        return _orthogonal(fan_out, fan_in, rng, gain)
    if scheme == "uniform":
        return rng.uniform(-scale, scale, shape)
    if scheme == "normal":
        return rng.normal(0.0, scale, shape)
    # the rest are U(-bound, bound) or N(0, std^2) with a bound or std from the fans
    uniform_bounds = {
        "tf_playground": 0.5,  # TensorFlow Playground's U(-0.5, 0.5)
        "xavier_uniform": gain * math.sqrt(6.0 / (fan_in + fan_out)),
        "he_uniform": gain * math.sqrt(3.0 / fan_in),
        "lecun_uniform": math.sqrt(3.0 / fan_in),
        "torch_default": 1.0 / math.sqrt(fan_in),  # nn.Linear's default
    }
    normal_stds = {
        "xavier_normal": gain * math.sqrt(2.0 / (fan_in + fan_out)),
        "he_normal": gain / math.sqrt(fan_in),
        "lecun_normal": math.sqrt(1.0 / fan_in),
    }
    if scheme in uniform_bounds:
        bound = uniform_bounds[scheme]
        return rng.uniform(-bound, bound, shape)
    if scheme in normal_stds:
        return rng.normal(0.0, normal_stds[scheme], shape)
    raise ValueError(f"unknown weight initialization {scheme!r}")


def init_bias(
    scheme: str, fan_out: int, fan_in: int, rng: np.random.Generator, *, value: float
) -> np.ndarray:
    """A (fan_out,) float64 bias vector drawn by `scheme`."""
    if scheme == "zeros":
        return np.zeros(fan_out)
    if scheme == "constant":
        return np.full(fan_out, float(value))
    if scheme == "torch_default":  # nn.Linear: the weight's bound, from fan_in
        bound = 1.0 / math.sqrt(fan_in)
        return rng.uniform(-bound, bound, fan_out)
    raise ValueError(f"unknown bias initialization {scheme!r}")


def initialize_parameters(
    cfg: Config, rng: np.random.Generator
) -> list[tuple[np.ndarray, np.ndarray]]:
    """One (W, b) pair per layer of `cfg.layer_sizes`, W (out, in) and b (out,).

    Layers are drawn in order, each weight before its bias, so a seed fixes the
    whole network.  Every layer uses the hidden activation's gain (or
    `cfg.init_gain`): the output activation is a fixed choice of the loss, and
    TensorFlow Playground and Keras likewise use one scheme for all layers.
    """
    gain = cfg.init_gain if cfg.init_gain is not None else calculate_gain(cfg.activation)
    scale = cfg.effective_init_scale
    layers = []
    for fan_in, fan_out in itertools.pairwise(cfg.layer_sizes):
        weight = init_weight(cfg.init, fan_out, fan_in, rng, scale=scale, gain=gain)
        bias = init_bias(cfg.bias_init, fan_out, fan_in, rng, value=cfg.bias_value)
        if not cfg.use_bias:  # drawn all the same, so the weights match the biased network's
            bias = np.zeros_like(bias)
        layers.append((weight, bias))
    return layers
