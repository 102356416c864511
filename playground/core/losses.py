"""Output layer heads: the output activation, the loss, and dLoss/dLogits.

A head pairs an output activation with its loss, because the pair has a
simple joint gradient (sigmoid + binary cross-entropy gives p - t).  Targets
come in the shape and coding each head wants; `encode_targets` makes them.

Every loss is the mean over the batch of a per-example loss:
  mse            0.5 * sum_k (o_k - t_k)^2   (tanh output with +-1 targets for
                                              classification, linear for regression)
  binary CE      softplus(z) - t z            (= -t log p - (1-t) log(1-p), from the logit)
  softmax CE     logsumexp(z) - z_true
"""

from __future__ import annotations

import numpy as np

from .activations import SIGMOID

_ONE = np.array(1.0)  # 0-d: no float conversion per call


class Head:
    name = "base"
    output_activation = "linear"

    def forward(self, z: np.ndarray, out: np.ndarray) -> None:
        """out = output activation of the logits z (n, k)."""
        raise NotImplementedError

    def picture(self, z: np.ndarray, out: np.ndarray) -> None:
        """forward, for float32 pictures (see activations.Activation.picture)."""
        self.forward(z, out)

    def loss(self, z: np.ndarray, o: np.ndarray, t: np.ndarray) -> float:
        """Mean data loss of a batch, from logits z, outputs o and targets t."""
        raise NotImplementedError

    def grad(self, z, o, t, out, scratch, inv_n) -> None:
        """out = d(mean loss)/dz; scratch is a spare buffer of z's shape, inv_n is 1/n.

        (o - t) / n: what linear + squared error, sigmoid + binary cross-entropy and
        softmax + cross-entropy all give (each activation is its loss's natural pair).
        """
        np.subtract(o, t, out=out)
        np.multiply(out, inv_n, out=out)


class MseLinear(Head):
    name = "mse"
    output_activation = "linear"

    def forward(self, z, out):
        np.copyto(out, z)

    def loss(self, z, o, t):
        d = o - t
        return 0.5 * float(np.vdot(d, d)) / len(o)


class MseTanh(MseLinear):
    output_activation = "tanh"

    def forward(self, z, out):
        np.tanh(z, out=out)

    def grad(self, z, o, t, out, scratch, inv_n):
        # (o - t) * (1 - o^2) / n
        np.multiply(o, o, out=scratch)
        np.subtract(_ONE, scratch, out=scratch)
        np.subtract(o, t, out=out)
        np.multiply(out, scratch, out=out)
        np.multiply(out, inv_n, out=out)


class BinaryCrossEntropy(Head):
    """Sigmoid output; targets 0/1 of shape (n, 1)."""

    name = "cross-entropy"
    output_activation = "sigmoid"

    def forward(self, z, out):
        SIGMOID.forward(z, out)

    def picture(self, z, out):
        SIGMOID.picture(z, out)

    def loss(self, z, o, t):
        return float(np.mean(np.logaddexp(0.0, z) - t * z))


class SoftmaxCrossEntropy(Head):
    """Softmax output over K classes; targets one-hot of shape (n, K)."""

    name = "cross-entropy"
    output_activation = "softmax"

    def forward(self, z, out):
        np.subtract(z, z.max(axis=1, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=1, keepdims=True)

    def loss(self, z, o, t):
        m = z.max(axis=1, keepdims=True)
        lse = np.log(np.exp(z - m).sum(axis=1)) + m[:, 0]
        return float(np.mean(lse - (z * t).sum(axis=1)))


def make_head(problem: str, loss: str, num_outputs: int) -> Head:
    if problem == "regression":
        return MseLinear()
    if loss == "mse":
        return MseTanh()
    return SoftmaxCrossEntropy() if num_outputs > 1 else BinaryCrossEntropy()


def encode_targets(head: Head, labels: np.ndarray, num_outputs: int) -> np.ndarray:
    """Targets in the coding the head trains on, shape (n, num_outputs), float64.

    labels are class indices for classification, target values for regression.
    """
    labels = np.asarray(labels)
    n = len(labels)
    if isinstance(head, MseLinear) and not isinstance(head, MseTanh):
        return labels.astype(np.float64).reshape(n, 1)
    if num_outputs == 1:  # binary: class 1 is the positive class
        positive = (labels == 1).reshape(n, 1)
        low = -1.0 if isinstance(head, MseTanh) else 0.0
        return np.where(positive, 1.0, low)
    one_hot = np.zeros((n, num_outputs))
    one_hot[np.arange(n), labels.astype(np.int64)] = 1.0
    if isinstance(head, MseTanh):
        one_hot = 2.0 * one_hot - 1.0
    return one_hot


def predicted_classes(head: Head, outputs: np.ndarray) -> np.ndarray:
    """Class index per row from the head's outputs."""
    if outputs.shape[1] > 1:
        return outputs.argmax(axis=1)
    threshold = 0.0 if isinstance(head, MseTanh) else 0.5
    return (outputs[:, 0] > threshold).astype(np.int64)
