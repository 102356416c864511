"""Hidden-layer activation functions and their derivatives.

Each activation writes into caller-owned buffers (`out=`), so a training step
allocates nothing.  At this network size the cost of a step is the number of
NumPy calls, not arithmetic, so each function uses as few calls as it can.

`forward(z, out)` sets out = f(z).
`backward(z, a, grad_a, out)` sets out = grad_a * f'(z), where a = f(z) is
the forward result (cheaper than z for tanh and sigmoid).  `out` may be used
as scratch, but must not alias z, a or grad_a.
`picture(z, out)` sets out = f(z) for float32 pictures of the network (every
neuron over a grid, many times a second): float32 precision, and fast where
the training form is slow (the sigmoid without logaddexp, ~20x cheaper).
"""

from __future__ import annotations

import math

import numpy as np

LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0

# Constants as 0-d arrays: NumPy converts a Python float operand on every call,
# which costs about as much as the arithmetic on these small arrays.
_ZERO, _ONE, _HALF, _SLOPE = (np.array(v) for v in (0.0, 1.0, 0.5, LEAKY_SLOPE))
_ZERO32, _ONE32, _SLOPE32 = (np.float32(v) for v in (0.0, 1.0, LEAKY_SLOPE))  # keep float32
_GELU_C = math.sqrt(2.0 / math.pi)
_GELU_K = 0.044715


class Activation:
    name = "base"

    def forward(self, z: np.ndarray, out: np.ndarray) -> None:
        raise NotImplementedError

    def backward(self, z, a, grad_a, out) -> None:
        raise NotImplementedError

    def picture(self, z: np.ndarray, out: np.ndarray) -> None:
        self.forward(z, out)

    def __call__(self, z: np.ndarray) -> np.ndarray:
        """Allocating form for tests, plotting and one-off use."""
        out = np.empty_like(z, dtype=np.float64)
        self.forward(z, out)
        return out

    def derivative(self, z: np.ndarray) -> np.ndarray:
        """f'(z), allocating; for tests and one-off use."""
        out = np.empty_like(z, dtype=np.float64)
        self.backward(z, self(z), np.ones_like(z, dtype=np.float64), out)
        return out


class Tanh(Activation):
    name = "tanh"

    def forward(self, z, out):
        np.tanh(z, out=out)

    def backward(self, z, a, grad_a, out):
        np.multiply(a, a, out=out)
        np.subtract(_ONE, out, out=out)
        np.multiply(out, grad_a, out=out)


class Sigmoid(Activation):
    # sigmoid(z) = exp(-log(1 + exp(-z))): never overflows (unlike 1/(1+exp(-z)))
    # and keeps full relative precision in the tails (unlike (1 + tanh(z/2)) / 2)
    name = "sigmoid"

    def forward(self, z, out):
        np.negative(z, out=out)
        np.logaddexp(0.0, out, out=out)
        np.negative(out, out=out)
        np.exp(out, out=out)

    def picture(self, z, out):
        # exp(min(z, 0)) / (1 + exp(-|z|)): neither exp overflows, both tails keep
        # float32's precision (the hover read-out shows them), and no masks
        e = np.abs(z)
        np.negative(e, out=e)
        np.exp(e, out=e)
        e += _ONE32
        np.minimum(z, _ZERO32, out=out)
        np.exp(out, out=out)
        np.divide(out, e, out=out)

    def backward(self, z, a, grad_a, out):
        np.subtract(_ONE, a, out=out)
        np.multiply(out, a, out=out)
        np.multiply(out, grad_a, out=out)


class Relu(Activation):
    name = "relu"

    def forward(self, z, out):
        np.maximum(z, _ZERO, out=out)

    def picture(self, z, out):
        np.maximum(z, _ZERO32, out=out)  # a float64 zero would make NumPy loop in float64

    def backward(self, z, a, grad_a, out):
        # a = max(z, 0), so sign(a) is the 0/1 derivative, without a bool array
        np.sign(a, out=out)
        np.multiply(out, grad_a, out=out)


class LeakyRelu(Activation):
    name = "leaky_relu"

    def forward(self, z, out):
        np.multiply(z, _SLOPE, out=out)
        np.maximum(z, out, out=out)

    def picture(self, z, out):
        np.multiply(z, _SLOPE32, out=out)
        np.maximum(z, out, out=out)

    def backward(self, z, a, grad_a, out):
        np.multiply(grad_a, np.where(z > 0.0, 1.0, LEAKY_SLOPE), out=out)


class Elu(Activation):
    name = "elu"

    def forward(self, z, out):
        np.minimum(z, 0.0, out=out)
        np.expm1(out, out=out)  # alpha = 1
        np.copyto(out, z, where=z > 0.0)

    def backward(self, z, a, grad_a, out):
        # for z <= 0, f'(z) = exp(z) = f(z) + 1
        np.add(a, 1.0, out=out)
        np.copyto(out, 1.0, where=z > 0.0)
        np.multiply(out, grad_a, out=out)


class Gelu(Activation):
    """PyTorch's GELU(approximate="tanh"): z/2 * (1 + tanh(c (z + k z^3)))."""

    name = "gelu"

    def forward(self, z, out):
        t = np.tanh(_GELU_C * (z + _GELU_K * z * z * z))
        np.multiply(0.5 * z, 1.0 + t, out=out)

    def picture(self, z, out):
        # z sigmoid(2u) = z/2 (1 + tanh u): the same function, without 1 + tanh(u)
        # cancelling to nothing in float32's left tail
        u = z * z
        u *= _GELU_K
        u += 1.0
        u *= z
        u *= 2.0 * _GELU_C
        SIGMOID.picture(u, out)
        out *= z

    def backward(self, z, a, grad_a, out):
        z2 = z * z
        t = np.tanh(_GELU_C * (z + _GELU_K * z2 * z))
        inner = _GELU_C * (1.0 + 3.0 * _GELU_K * z2)
        np.multiply(0.5 * z * (1.0 - t * t), inner, out=out)
        out += 0.5 * (1.0 + t)
        np.multiply(out, grad_a, out=out)


class Linear(Activation):
    name = "linear"

    def forward(self, z, out):
        np.copyto(out, z)

    def backward(self, z, a, grad_a, out):
        np.copyto(out, grad_a)


class Softplus(Activation):
    """log(1 + exp(z)), computed without overflow."""

    name = "softplus"

    def forward(self, z, out):
        np.logaddexp(0.0, z, out=out)

    def picture(self, z, out):
        # max(z, 0) + log1p(exp(-|z|)): the same value, without logaddexp's slow loop
        np.abs(z, out=out)
        np.negative(out, out=out)
        np.exp(out, out=out)
        np.log1p(out, out=out)
        out += np.maximum(z, _ZERO32)

    def backward(self, z, a, grad_a, out):
        SIGMOID.forward(z, out)
        np.multiply(out, grad_a, out=out)


class Swish(Activation):
    """z * sigmoid(z) (SiLU)."""

    name = "swish"

    def forward(self, z, out):
        SIGMOID.forward(z, out)
        np.multiply(out, z, out=out)

    def picture(self, z, out):
        SIGMOID.picture(z, out)
        np.multiply(out, z, out=out)

    def backward(self, z, a, grad_a, out):
        # f' = s + z s (1 - s) = s (1 + z (1 - s)), with s = sigmoid(z)
        s = np.empty_like(z)
        SIGMOID.forward(z, s)
        np.subtract(1.0, s, out=out)
        np.multiply(out, z, out=out)
        np.add(out, 1.0, out=out)
        np.multiply(out, s, out=out)
        np.multiply(out, grad_a, out=out)


class Sine(Activation):
    name = "sine"

    def forward(self, z, out):
        np.sin(z, out=out)

    def backward(self, z, a, grad_a, out):
        np.cos(z, out=out)
        np.multiply(out, grad_a, out=out)


SIGMOID = Sigmoid()

ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in (
        Relu(),
        LeakyRelu(),
        Elu(),
        Gelu(),
        Tanh(),
        SIGMOID,
        Linear(),
        Softplus(),
        Swish(),
        Sine(),
    )
}


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}") from None
